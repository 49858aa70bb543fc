import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { createPrivateFile } from '../crypto/private-files';
import { type ChangeFeed, PgChangeFeed } from './change-feed';
import { PreparingClient } from './prepared-client';

/** The two engines Estate runs on. Code branches on this only inside repositories and migrations. */
export type Dialect = 'sqlite' | 'postgres';

// int8 (bigint) columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

/** An open primary store. `db` is typed per module (`Kysely<AuthTables>`…) by the repositories that use it. */
export interface Database {
  // biome-ignore lint/suspicious/noExplicitAny: each module narrows this to its own tables.
  readonly db: Kysely<any>;
  readonly dialect: Dialect;
  /** A short description for logs: the SQLite file path or the PostgreSQL host/database, never a password. */
  readonly describe: string;
  /** SQLite only: the database file and its -wal and -shm files, which must stay private to Estate's user. */
  readonly files?: string[];
  /** PostgreSQL only: notifications from other processes, for caches that must not outlive a change made elsewhere. */
  readonly changes?: ChangeFeed;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** SQLite file; defaults to `<dataDir>/estate.db`. `:memory:` for throwaway stores. */
  sqliteFile?: string;
  dataDir?: string;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

/**
 * Opens the primary store: PostgreSQL when `databaseUrl` is given, otherwise SQLite in WAL mode with foreign keys on,
 * a 5 s busy timeout and synchronous=NORMAL (a committed transaction survives a process crash; see ADR 0002). A
 * SQLite file it creates is 0600 in a 0700 directory, whatever the umask; an existing one keeps its mode.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, Client: PreparingClient });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries in flight see their own error.
    });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(options.databaseUrl);
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      await db.destroy();
      throw new Error(
        `Cannot connect to PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}: ${(err as Error).message}. Check DATABASE_URL and that the server is running.`,
      );
    }
    const changes = new PgChangeFeed(options.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      describe: `postgres ${url.hostname}:${url.port || 5432}${url.pathname}`,
      changes,
      async close() {
        await changes.close();
        await db.destroy();
      },
    };
  }
  const file = options.sqliteFile ?? path.join(options.dataDir ?? './data', 'estate.db');
  // SQLite gives the -wal and -shm files the database file's mode, so a 0600 store keeps them 0600 too.
  if (file !== ':memory:' && file !== '') createPrivateFile(file);
  const native = new SQLite(file);
  native.pragma('journal_mode = WAL');
  native.pragma('synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  const files = file === ':memory:' || file === '' ? [] : [file, `${file}-wal`, `${file}-shm`];
  return { db, dialect: 'sqlite', describe: `sqlite ${file}`, files, close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares every query anew; preparing is a large share of a small query's cost on SQLite. This keeps the
 * most recently used prepared statements by SQL text (bounded, least recently used out first). A statement that is
 * still iterating is never handed out twice.
 */
function withStatementCache(native: SQLite.Database): { prepare: SQLite.Database['prepare']; close: () => void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => native.close(),
    prepare: ((sqlText: string) => {
      const cached = cache.get(sqlText);
      if (cached && !cached.busy) {
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = native.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    }) as SQLite.Database['prepare'],
  };
}

/**
 * JSON columns are jsonb on PostgreSQL (already parsed by the driver) and text on SQLite. Pass the dialect whenever
 * the stored value may itself be a JSON string: without it, a string read from PostgreSQL would be parsed twice.
 */
export function readJson<T = unknown>(value: unknown, dialect?: Dialect): T {
  if (value === null || value === undefined) return null as T;
  if (dialect === 'postgres') return value as T;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
