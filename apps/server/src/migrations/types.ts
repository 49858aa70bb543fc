import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../platform/db/database';

/** Column types that differ between the engines; everything else is written once. */
export interface ColumnTypes {
  /** jsonb on PostgreSQL, text on SQLite. */
  json: 'jsonb' | 'text';
  /** 64-bit integers: epoch milliseconds, counters. */
  bigint: 'bigint';
}

/** A forward-only migration, written once for both engines. */
export type EstateMigration = (dialect: Dialect, types: ColumnTypes) => Migration;

export function columnTypes(dialect: Dialect): ColumnTypes {
  return { json: dialect === 'postgres' ? 'jsonb' : 'text', bigint: 'bigint' };
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists.
export type AnyDb = Kysely<any>;
