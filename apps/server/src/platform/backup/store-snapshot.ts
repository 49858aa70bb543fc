import { setImmediate as nextTurn } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type Transaction } from 'kysely';
import type { Database, Dialect } from '../db/database';
import { BackupError, type FileValue, toFileValue } from './backup-format';
import { appliedMigrations, describeTables, kyselyQuery, type Query, type StoreTable, selectRowsSql } from './store-schema';

/** Rows handed out per batch; also how often a SQLite read yields to the event loop so the server keeps serving. */
const BATCH_ROWS = 500;

/** A consistent, read-only view of the whole store: every read sees the same committed state. */
export interface Snapshot {
  readonly dialect: Dialect;
  /** Parents before children (see {@link describeTables}). */
  readonly tables: StoreTable[];
  readonly migrations: string[];
  /** Streams a table's rows in file form and primary-key order, in batches; one table at a time. */
  rows(table: StoreTable): AsyncGenerator<FileValue[][]>;
}

/**
 * Runs `fn` over a snapshot while the server keeps writing. SQLite: a second, read-only connection on the same file
 * holds one read transaction (WAL keeps its snapshot; writers are not blocked). PostgreSQL: one `REPEATABLE READ
 * READ ONLY` transaction, rows streamed through a cursor. The snapshot ends when `fn` settles.
 */
export async function withSnapshot<T>(database: Database, fn: (snapshot: Snapshot) => Promise<T>): Promise<T> {
  if (database.dialect === 'postgres') {
    return database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        // PostgreSQL takes the snapshot at the transaction's first statement, so discovery already reads from it.
        const query = kyselyQuery(trx);
        const tables = await describeTables('postgres', query);
        const migrations = await appliedMigrations('postgres', query);
        let cursors = 0;
        return fn({ dialect: 'postgres', tables, migrations, rows: (table) => postgresRows(trx, table, `estate_backup_${cursors++}`) });
      });
  }
  const file = await sqliteFile(database);
  const connection = new SQLite(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    connection.exec('BEGIN');
    // A deferred transaction takes its snapshot at the first read of the file; make that read now, before discovery.
    connection.prepare('select count(*) from sqlite_schema').get();
    const query: Query = async <R>(text: string, params: readonly unknown[] = []) => connection.prepare(text).all(...params) as R[];
    const tables = await describeTables('sqlite', query);
    const migrations = await appliedMigrations('sqlite', query);
    return await fn({ dialect: 'sqlite', tables, migrations, rows: (table) => sqliteRows(connection, table) });
  } finally {
    // Closing ends the read transaction.
    connection.close();
  }
}

async function sqliteFile(database: Database): Promise<string> {
  const rows = await database.db.executeQuery<{ file: string }>(
    CompiledQuery.raw(`select file from pragma_database_list where name = 'main'`),
  );
  const file = rows.rows[0]?.file;
  if (!file) {
    throw new BackupError('unsupported-store', `Backups need a file-backed SQLite store; ${database.describe} is in memory.`);
  }
  return file;
}

async function* sqliteRows(connection: SQLite.Database, table: StoreTable): AsyncGenerator<FileValue[][]> {
  // Safe integers: bigint columns come back exact, whatever their size.
  const statement = connection.prepare(selectRowsSql('sqlite', table)).raw(true).safeIntegers(true);
  let batch: FileValue[][] = [];
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    batch.push(row.map((v) => toFileValue(v)));
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
      // better-sqlite3 reads synchronously; give the server's own requests a turn between batches.
      await nextTurn();
    }
  }
  if (batch.length > 0) yield batch;
}

// biome-ignore lint/suspicious/noExplicitAny: raw statements over any schema.
async function* postgresRows(trx: Transaction<any>, table: StoreTable, cursor: string): AsyncGenerator<FileValue[][]> {
  await trx.executeQuery(CompiledQuery.raw(`declare ${cursor} no scroll cursor for ${selectRowsSql('postgres', table)}`));
  const integer = table.columns.map((c) => c.kind === 'integer');
  for (;;) {
    const { rows } = await trx.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`fetch forward ${BATCH_ROWS} from ${cursor}`));
    if (rows.length === 0) break;
    yield rows.map((row) => table.columns.map((_, i) => toFileValue(row[`c${i}`], integer[i])));
  }
  await trx.executeQuery(CompiledQuery.raw(`close ${cursor}`));
}
