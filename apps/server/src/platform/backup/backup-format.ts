import type { Dialect } from '../db/database';

/**
 * The Estate backup file: a logical, engine-neutral dump that restores into SQLite or PostgreSQL whichever engine
 * wrote it. It is one gzip stream of UTF-8 JSON lines, each ending in `\n`:
 *
 * 1. A header: `{"format":"estate-backup","version":1,"createdAt":<epoch ms>,"dialect":"sqlite"|"postgres",
 *    "migrations":[<applied migration names, sorted>],"tables":[{"name","columns":[{"name","kind"}],"primaryKey":[…]}]}`.
 *    Tables are listed parents first (by their foreign keys), which is also the order their rows follow.
 * 2. One line per row: `{"t":<table>,"r":[<values in the header's column order>]}`, each table's rows contiguous and
 *    in primary-key order (bytewise for text). A value is JSON `null`, a number, a string, or one of three tagged
 *    objects for what JSON cannot say exactly: `{"i":"<digits>"}` an integer beyond ±2^53, `{"f":"NaN"|"Infinity"|
 *    "-Infinity"}` a non-finite float, `{"b64":"…"}` bytes. JSON columns hold their JSON text (jsonb is written as
 *    text too), so a value means the same on both engines.
 * 3. A trailer: `{"end":true,"tables":{<table>:{"rows":<count>,"sha256":<hex>}}}`, the checksum being
 *    {@link TableHasher}'s, the same one {@link tableChecksums} computes over a live store.
 *
 * Anything after the trailer, a missing trailer, a row that does not fit the header or a checksum that does not match
 * makes the whole file invalid. The gzip CRC catches bit rot; the checksums catch a dump that disagrees with itself.
 */
export const BACKUP_FORMAT = 'estate-backup';

/** The newest format version this build writes and reads. */
export const BACKUP_VERSION = 1;

/**
 * What a column holds, as far as moving it between engines needs to know. Derived from the declared type (SQLite's
 * affinity rules) or the PostgreSQL type; `text` also covers PostgreSQL types with no closer match (uuid, dates…).
 */
export type ColumnKind = 'integer' | 'real' | 'numeric' | 'boolean' | 'text' | 'json' | 'blob';

/** One column of a table in the backup. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

/** One table in the backup: its columns in row-value order and its primary key (empty when it has none). */
export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  primaryKey: string[];
}

/** The first line of a backup file. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** When the snapshot was taken, epoch milliseconds. */
  createdAt: number;
  /** The engine the backup was taken from; restores go to either. */
  dialect: Dialect;
  /** Migrations applied to the source store when the snapshot was taken, in order. */
  migrations: string[];
  tables: TableSpec[];
}

/** A value in a row line; see {@link BACKUP_FORMAT}. */
export type FileValue = null | number | boolean | string | { i: string } | { f: string } | { b64: string };

/** A table's row count and the SHA-256 (hex) of its rows as {@link TableHasher} defines it. */
export interface TableChecksum {
  rows: number;
  sha256: string;
}

/** What a backup holds: per-table checksums and the file's size in bytes. */
export interface BackupSummary {
  tables: Record<string, TableChecksum>;
  bytes: number;
}

/** Why a backup or restore was refused; `code` is stable for the CLI, `message` says what to do. */
export type BackupErrorCode =
  | 'not-a-backup'
  | 'unsupported-version'
  | 'newer-estate'
  | 'corrupt'
  | 'truncated'
  | 'not-empty'
  | 'schema-mismatch'
  | 'unsupported-store';

/** A refusal or a failed check. Nothing was written to the target store when a restore throws one. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const KINDS: ReadonlySet<string> = new Set<ColumnKind>(['integer', 'real', 'numeric', 'boolean', 'text', 'json', 'blob']);

/** Checks a parsed first line; throws a {@link BackupError} saying what is wrong. */
export function parseHeader(line: string | undefined, file: string): BackupHeader {
  let value: unknown;
  try {
    value = line === undefined ? undefined : JSON.parse(line);
  } catch {
    value = undefined;
  }
  const h = value as Partial<BackupHeader> | undefined;
  if (!h || typeof h !== 'object' || h.format !== BACKUP_FORMAT) {
    throw new BackupError('not-a-backup', `${file} is not an Estate backup (no estate-backup header).`);
  }
  if (typeof h.version !== 'number' || !Number.isInteger(h.version) || h.version < 1) {
    throw new BackupError('corrupt', `${file} has an invalid header: version ${String(h.version)}.`);
  }
  if (h.version > BACKUP_VERSION) {
    throw new BackupError(
      'unsupported-version',
      `${file} was written by a newer Estate (backup format ${h.version}; this build reads up to ${BACKUP_VERSION}). Upgrade Estate to restore it.`,
    );
  }
  const validTables =
    Array.isArray(h.tables) &&
    h.tables.every(
      (t) =>
        t &&
        typeof t.name === 'string' &&
        Array.isArray(t.columns) &&
        t.columns.length > 0 &&
        t.columns.every((c) => c && typeof c.name === 'string' && KINDS.has(c.kind)) &&
        Array.isArray(t.primaryKey) &&
        t.primaryKey.every((k) => typeof k === 'string'),
    ) &&
    new Set(h.tables.map((t) => t.name)).size === h.tables.length;
  if (
    typeof h.createdAt !== 'number' ||
    (h.dialect !== 'sqlite' && h.dialect !== 'postgres') ||
    !Array.isArray(h.migrations) ||
    !h.migrations.every((m) => typeof m === 'string') ||
    !validTables
  ) {
    throw new BackupError('corrupt', `${file} has an invalid header.`);
  }
  return h as BackupHeader;
}

/** True when `v` is a value a row line may hold. */
export function isFileValue(v: unknown): v is FileValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const inner = (v as Record<string, unknown>)[keys[0] as string];
  if (typeof inner !== 'string') return false;
  if (keys[0] === 'i') return /^-?\d+$/.test(inner);
  if (keys[0] === 'f') return inner === 'NaN' || inner === 'Infinity' || inner === '-Infinity';
  return keys[0] === 'b64';
}

/**
 * Turns a value read from either driver into its file form. Integers arrive as bigint (better-sqlite3 with safe
 * integers) and stay exact; `pgIntegerText` marks PostgreSQL integers selected as text for the same reason.
 */
export function toFileValue(raw: unknown, pgIntegerText = false): FileValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'bigint') {
    return raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : { i: raw.toString() };
  }
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : { f: String(raw) };
  if (typeof raw === 'string') return pgIntegerText ? toFileValue(BigInt(raw)) : raw;
  if (typeof raw === 'boolean') return raw;
  if (raw instanceof Uint8Array) return { b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  throw new BackupError('unsupported-store', `Cannot back up a value of type ${Object.prototype.toString.call(raw)}.`);
}
