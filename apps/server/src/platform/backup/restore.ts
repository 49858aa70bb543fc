import { stat } from 'node:fs/promises';
import type { Migration } from 'kysely';
import { migrationsFor } from '../../migrations';
import type { Database, Dialect } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { BackupError, type BackupHeader, type BackupSummary, type ColumnKind, type FileValue, type TableSpec } from './backup-format';
import { BackupReader } from './backup-reader';
import type { BackupProgress } from './backup-writer';
import { appliedMigrations, describeTables, kyselyQuery, type Query, quoteIdent, type StoreTable } from './store-schema';

export interface RestoreOptions {
  /** Called after every batch of rows inserted; throwing aborts the restore (rolled back). */
  onProgress?: (progress: BackupProgress) => void;
  /** The migrations this build knows; defaults to {@link migrationsFor} the store's dialect. */
  migrations?: Record<string, Migration>;
}

/** What a restore wrote: the verified per-table checksums, the file size, and migrations applied afterwards. */
export interface RestoreSummary extends BackupSummary {
  /** Migrations newer than the backup, applied after its rows were restored. */
  migrated: string[];
}

// Statements stay under both engines' parameter limits (SQLite 32766, PostgreSQL 65535).
const MAX_PARAMS = 30_000;
const MAX_ROWS_PER_STATEMENT = 500;

/**
 * Restores `file` (from either engine) into `database`, which must hold no rows in any Estate table: a store that was
 * never migrated is first migrated to the backup's migration, a migrated one must be at it or behind it. Every row
 * is inserted inside ONE transaction, parents first and foreign keys checked at commit, while the file's checksums
 * are verified; a truncated or corrupt file, a checksum mismatch or any failed insert rolls everything back and
 * throws. Migrations newer than the backup are then applied, so the store ends at this build's schema.
 *
 * Refuses, with a {@link BackupError} and without writing anything: a file that is not a backup, a backup from a
 * newer Estate (a migration this build does not know), a store with rows, a store migrated past the backup.
 */
export async function restore(database: Database, file: string, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const reader = await BackupReader.open(file);
  try {
    const known = options.migrations ?? migrationsFor(database.dialect);
    checkMigrations(reader.header, Object.keys(known).sort(), file);
    const query = kyselyQuery(database.db);
    const applied = await appliedMigrations(database.dialect, query);
    const existing = await describeTables(database.dialect, query);
    await refuseIfNotEmpty(query, existing, database.describe);
    if (applied.length === 0 && existing.length > 0) {
      throw new BackupError('not-empty', `${database.describe} has tables but no Estate migrations; restore into an empty store.`);
    }
    if (!isPrefix(applied, reader.header.migrations)) {
      throw new BackupError(
        'schema-mismatch',
        `${database.describe} is migrated past this backup (at ${applied.at(-1)}, the backup at ${reader.header.migrations.at(-1) ?? 'none'}); restore into a new, un-migrated store.`,
      );
    }
    if (applied.length < reader.header.migrations.length) {
      await migrateToLatest(database, Object.fromEntries(reader.header.migrations.map((name) => [name, known[name]!])));
    }
    await database.db.transaction().execute(async (trx) => {
      const trxQuery = kyselyQuery(trx);
      const tables = new Map((await describeTables(database.dialect, trxQuery)).map((t) => [t.name, t]));
      // Checked again inside the transaction: something may have written between the first check and now.
      await refuseIfNotEmpty(trxQuery, [...tables.values()], database.describe);
      const plans = new Map(
        reader.header.tables.map((spec) => [spec.name, insertPlan(database.dialect, spec, tables.get(spec.name), file)]),
      );
      await trxQuery(database.dialect === 'sqlite' ? 'pragma defer_foreign_keys = on' : 'set constraints all deferred');
      await insertRows(trxQuery, reader, plans, options.onProgress);
      if (database.dialect === 'sqlite') await checkForeignKeys(trxQuery);
      else await syncSequences(trxQuery);
    });
    // Only when the backup is older than this build; otherwise there is nothing to apply.
    const migrated = reader.header.migrations.length < Object.keys(known).length ? await migrateToLatest(database, known) : [];
    return { tables: reader.checksums, bytes: (await stat(file)).size, migrated };
  } finally {
    await reader.close();
  }
}

/** How to insert one backup table's rows into the store's table of the same name. */
interface InsertPlan {
  dialect: Dialect;
  table: string;
  /** The store's kind for each backup column, in backup column order. */
  kinds: ColumnKind[];
  prefix: string;
  rowsPerStatement: number;
}

function insertPlan(dialect: Dialect, spec: TableSpec, table: StoreTable | undefined, file: string): InsertPlan {
  if (!table) throw new BackupError('schema-mismatch', `${file} has table ${spec.name}, which this store does not.`);
  const kinds = spec.columns.map((c) => {
    const column = table.columns.find((t) => t.name === c.name);
    if (!column) throw new BackupError('schema-mismatch', `${file} has column ${spec.name}.${c.name}, which this store does not.`);
    return column.kind;
  });
  const columns = spec.columns.map((c) => quoteIdent(c.name)).join(', ');
  // Identity columns keep the backup's values; the sequences are moved past them afterwards.
  const overriding = dialect === 'postgres' ? ' overriding system value' : '';
  return {
    dialect,
    table: spec.name,
    kinds,
    prefix: `insert into ${quoteIdent(spec.name)} (${columns})${overriding} values `,
    rowsPerStatement: Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / kinds.length))),
  };
}

async function insertRows(
  query: Query,
  reader: BackupReader,
  plans: Map<string, InsertPlan>,
  onProgress: RestoreOptions['onProgress'],
): Promise<void> {
  let plan = null as InsertPlan | null;
  let pending: FileValue[][] = [];
  let tableRows = 0;
  let tablesDone = 0;
  const flush = async () => {
    if (!plan || pending.length === 0) return;
    await insertBatch(query, plan, pending);
    tableRows += pending.length;
    pending = [];
    onProgress?.({ table: plan.table, rows: tableRows, tablesDone, tablesTotal: plans.size });
  };
  for await (const row of reader.rows()) {
    if (row.table.name !== plan?.table) {
      await flush();
      if (plan) tablesDone++;
      plan = plans.get(row.table.name)!;
      tableRows = 0;
    }
    pending.push(row.values);
    if (pending.length >= plan.rowsPerStatement) await flush();
  }
  await flush();
}

async function insertBatch(query: Query, plan: InsertPlan, rows: FileValue[][]): Promise<void> {
  const params: unknown[] = [];
  const tuples = rows.map((values) => {
    const marks = values.map((value, i) => {
      params.push(toParam(plan.dialect, plan.kinds[i]!, value));
      return plan.dialect === 'sqlite' ? '?' : `$${params.length}`;
    });
    return `(${marks.join(', ')})`;
  });
  try {
    await query(plan.prefix + tuples.join(', '), params);
  } catch (err) {
    throw new Error(`Restoring table ${plan.table} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** A file value as a parameter for the store's column: exact integers, 0/1 or booleans, bytes, JSON as text. */
function toParam(dialect: Dialect, kind: ColumnKind, value: FileValue): unknown {
  if (value === null) return null;
  if (typeof value === 'object') {
    if ('i' in value) return dialect === 'sqlite' ? BigInt(value.i) : value.i;
    if ('f' in value) return Number(value.f);
    return Buffer.from(value.b64, 'base64');
  }
  if (dialect === 'postgres' && kind === 'boolean') return typeof value === 'number' ? value !== 0 : value;
  // better-sqlite3 binds no booleans, and a boolean written into a PostgreSQL integer column means 0 or 1 too.
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

async function refuseIfNotEmpty(query: Query, tables: readonly StoreTable[], store: string): Promise<void> {
  for (const table of tables) {
    if ((await query(`select 1 from ${quoteIdent(table.name)} limit 1`)).length > 0) {
      throw new BackupError('not-empty', `${store} is not empty (table ${table.name} has rows); restore only into an empty store.`);
    }
  }
}

function checkMigrations(header: BackupHeader, known: readonly string[], file: string): void {
  const firstDifferent = header.migrations.findIndex((name, i) => known[i] !== name);
  if (firstDifferent === -1) return;
  const name = header.migrations[firstDifferent]!;
  if (!known.includes(name)) {
    throw new BackupError(
      'newer-estate',
      `${file} was taken by a newer Estate: it includes migration ${name}, which this build does not know. Upgrade Estate, then restore.`,
    );
  }
  throw new BackupError(
    'schema-mismatch',
    `${file} has migrations in another order than this build (${name} at position ${firstDifferent + 1}).`,
  );
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((name, i) => of[i] === name);
}

/** SQLite defers foreign keys to the commit, which would fail without saying where; say where. */
async function checkForeignKeys(query: Query): Promise<void> {
  const violations = await query<{ table: string; parent: string }>('select "table", parent from pragma_foreign_key_check limit 1');
  const first = violations[0];
  if (first)
    throw new BackupError(
      'corrupt',
      `The backup breaks a foreign key: a row of ${first.table} points to a missing row of ${first.parent}.`,
    );
}

/** Moves every serial/identity sequence past the restored values, so new rows do not collide with them. */
async function syncSequences(query: Query): Promise<void> {
  // Read from pg_depend rather than pg_get_serial_sequence(), which would have to resolve other schemas' names.
  const sequences = await query<{ table: string; column: string; sequence: string }>(
    `select c.relname as "table", a.attname as "column", s.oid::regclass::text as sequence
       from pg_class s
       join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
        and d.deptype in ('a', 'i')
       join pg_class c on c.oid = d.refobjid
       join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())`,
  );
  for (const s of sequences) {
    await query(`select setval($1::regclass, greatest(max(${quoteIdent(s.column)}), 0) + 1, false) from ${quoteIdent(s.table)}`, [
      s.sequence,
    ]);
  }
}
