import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import {
  BackupError,
  type BackupHeader,
  type BackupSummary,
  type FileValue,
  isFileValue,
  parseHeader,
  type TableChecksum,
  type TableSpec,
} from './backup-format';
import { TableHasher } from './row-checksum';

/** One row read from a backup, values in its table's header column order. */
export interface BackupRow {
  table: TableSpec;
  values: FileValue[];
}

/** A backup that was read to the end with every check passing. */
export interface VerifiedBackup extends BackupSummary {
  header: BackupHeader;
}

/**
 * Reads a backup file front to back in one pass, checking as it goes: the header on `open`, each row against the
 * header, and at the trailer every table's row count and checksum. `rows()` throws a {@link BackupError} at the first
 * problem (a truncated or corrupt file included), so a caller that writes rows inside a transaction rolls back.
 */
export class BackupReader {
  private checked: Record<string, TableChecksum> | null = null;

  private constructor(
    readonly file: string,
    readonly header: BackupHeader,
    private readonly lines: AsyncGenerator<string>,
  ) {}

  /** Opens `file` and checks its header; throws a {@link BackupError} for anything but an Estate backup it can read. */
  static async open(file: string): Promise<BackupReader> {
    const lines = readLines(file);
    try {
      const first = await lines.next();
      return new BackupReader(file, parseHeader(first.done ? undefined : first.value, file), lines);
    } catch (err) {
      await lines.return(undefined);
      throw err;
    }
  }

  /** Streams every row; completes only after the trailer matched. Call once. */
  async *rows(): AsyncGenerator<BackupRow> {
    const tables = new Map(this.header.tables.map((t) => [t.name, t]));
    const hashers = new Map(this.header.tables.map((t) => [t.name, new TableHasher(t.columns)]));
    const finished = new Set<string>();
    let current: string | null = null;
    for (let lineNo = 2; ; lineNo++) {
      const next = await this.lines.next();
      if (next.done) throw new BackupError('truncated', `${this.file} ends before its trailer: the backup is incomplete.`);
      const line = parseLine(next.value, () => this.corrupt(lineNo, 'is not JSON'));
      if (line.end === true) {
        this.checked = this.checkTrailer(line.tables, hashers);
        if (!(await this.lines.next()).done) throw this.corrupt(lineNo + 1, 'follows the trailer');
        return;
      }
      const table = typeof line.t === 'string' ? tables.get(line.t) : undefined;
      if (!table) throw this.corrupt(lineNo, `names a table the header does not list (${String(line.t)})`);
      const values = line.r;
      if (!Array.isArray(values) || values.length !== table.columns.length || !values.every(isFileValue)) {
        throw this.corrupt(lineNo, `is not a row of ${table.name}`);
      }
      if (table.name !== current) {
        if (finished.has(table.name)) throw this.corrupt(lineNo, `continues ${table.name}, whose rows ended earlier`);
        if (current) finished.add(current);
        current = table.name;
      }
      hashers.get(table.name)!.add(values);
      yield { table, values };
    }
  }

  /** The checksums the trailer confirmed; only after `rows()` completed. */
  get checksums(): Record<string, TableChecksum> {
    if (!this.checked) throw new Error('BackupReader.checksums is known only after rows() completed.');
    return this.checked;
  }

  /** Stops reading and releases the file; safe to call more than once. */
  async close(): Promise<void> {
    await this.lines.return(undefined);
  }

  private checkTrailer(recorded: unknown, hashers: Map<string, TableHasher>): Record<string, TableChecksum> {
    const trailer = (recorded && typeof recorded === 'object' ? recorded : {}) as Record<string, Partial<TableChecksum>>;
    const names = Object.keys(trailer);
    if (names.length !== hashers.size || names.some((n) => !hashers.has(n))) {
      throw new BackupError('corrupt', `${this.file} is corrupt: its trailer lists other tables than its header.`);
    }
    const result: Record<string, TableChecksum> = {};
    for (const [name, hasher] of hashers) {
      const actual = hasher.digest();
      const expected = trailer[name]!;
      if (expected.rows !== actual.rows) {
        throw new BackupError(
          'corrupt',
          `${this.file} is corrupt: table ${name} has ${actual.rows} rows, its trailer says ${expected.rows}.`,
        );
      }
      if (expected.sha256 !== actual.sha256) {
        throw new BackupError('corrupt', `${this.file} is corrupt: the rows of table ${name} do not match their checksum.`);
      }
      result[name] = actual;
    }
    return result;
  }

  private corrupt(lineNo: number, problem: string): BackupError {
    return new BackupError('corrupt', `${this.file} is corrupt: line ${lineNo} ${problem}.`);
  }
}

/**
 * Reads and checks a whole backup without a database: header, every row, row counts and checksums. Returns what it
 * holds; throws a {@link BackupError} saying what is wrong otherwise.
 */
export async function verifyBackup(file: string): Promise<VerifiedBackup> {
  const reader = await BackupReader.open(file);
  try {
    for await (const _row of reader.rows()) {
      // Reading is checking.
    }
    return { header: reader.header, tables: reader.checksums, bytes: (await stat(file)).size };
  } finally {
    await reader.close();
  }
}

interface Line {
  end?: unknown;
  tables?: unknown;
  t?: unknown;
  r?: unknown;
}

function parseLine(text: string, onError: () => BackupError): Line {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Line;
  } catch {
    // Reported below with the line number.
  }
  throw onError();
}

/** The file's lines, gunzipped and decoded; a truncated or damaged gzip stream ends in a {@link BackupError}. */
async function* readLines(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let seen = false;
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        seen = true;
        yield part;
      }
    }
    rest += decoder.end();
    if (rest.length > 0) throw new BackupError('truncated', `${file} ends in the middle of a line: the backup is incomplete.`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof BackupError || (code && !code.startsWith('Z_'))) throw err;
    if (!seen) throw new BackupError('not-a-backup', `${file} is not an Estate backup (not a gzip stream: ${(err as Error).message}).`);
    if (code === 'Z_BUF_ERROR') throw new BackupError('truncated', `${file} is truncated: the backup is incomplete.`);
    throw new BackupError('corrupt', `${file} is corrupt: ${(err as Error).message}.`);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
