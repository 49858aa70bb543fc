import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from '../db/database';
import type { ColumnKind, ColumnSpec, TableSpec } from './backup-format';

/** Runs one SQL statement with positional parameters (`?` on SQLite, `$1…` on PostgreSQL) and returns its rows. */
export type Query = <R>(text: string, params?: readonly unknown[]) => Promise<R[]>;

/** A column as the store has it: its backup spec plus what reading it in a portable order needs. */
export interface StoreColumn extends ColumnSpec {
  /** PostgreSQL only: the type takes a collation, so ordering by it needs `COLLATE "C"` to be bytewise. */
  collatable: boolean;
  /** PostgreSQL only: select it as `::text` (exact integers, jsonb as written, types with no closer kind). */
  castToText: boolean;
}

/** A table as the store has it. */
export interface StoreTable {
  name: string;
  columns: StoreColumn[];
  primaryKey: string[];
  /** Other tables this one's foreign keys point to. */
  references: string[];
}

/** Kysely's migration bookkeeping: never backed up, never restored. */
const BOOKKEEPING = new Set(['estate_migrations', 'estate_migrations_lock']);

/** Runs statements through Kysely (a database or a transaction). */
// biome-ignore lint/suspicious/noExplicitAny: raw statements over any schema.
export function kyselyQuery(db: Kysely<any>): Query {
  return async <R>(text: string, params: readonly unknown[] = []) =>
    (await db.executeQuery(CompiledQuery.raw(text, [...params]))).rows as R[];
}

/** Quotes an identifier for either engine. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The header's view of a table. */
export function toTableSpec(table: StoreTable): TableSpec {
  return { name: table.name, columns: table.columns.map(({ name, kind }) => ({ name, kind })), primaryKey: table.primaryKey };
}

/**
 * Every Estate table in the store (the migration bookkeeping, SQLite's internal, virtual and shadow tables and
 * PostgreSQL partitions excluded), parents before children by foreign key, ties by name. Generated columns are left
 * out: they are recomputed on insert. Discovered at run time, so tables added by later migrations are included.
 */
export async function describeTables(dialect: Dialect, query: Query): Promise<StoreTable[]> {
  const tables = dialect === 'sqlite' ? await describeSqlite(query) : await describePostgres(query);
  return orderByForeignKeys(tables.filter((t) => !BOOKKEEPING.has(t.name)));
}

/** The migrations applied to the store, sorted; empty when it was never migrated. */
export async function appliedMigrations(dialect: Dialect, query: Query): Promise<string[]> {
  const exists =
    dialect === 'sqlite'
      ? await query(`select 1 from sqlite_schema where type = 'table' and name = 'estate_migrations'`)
      : await query(
          `select 1 from pg_class where relname = 'estate_migrations' and relnamespace = (select oid from pg_namespace where nspname = current_schema())`,
        );
  if (exists.length === 0) return [];
  const rows = await query<{ name: string }>('select name from estate_migrations');
  return rows.map((r) => r.name).sort(compareText);
}

/** A SELECT of every column (aliased `c0…`) in a portable order: the primary key, else every column, bytewise. */
export function selectRowsSql(dialect: Dialect, table: StoreTable): string {
  const columns = table.columns.map((c, i) => `${quoteIdent(c.name)}${dialect === 'postgres' && c.castToText ? '::text' : ''} as "c${i}"`);
  const keys = table.primaryKey.length > 0 ? table.primaryKey : table.columns.map((c) => c.name);
  const order = keys.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    const collate = dialect === 'sqlite' ? ' collate binary' : column?.collatable ? ' collate "C"' : '';
    // Qualified, so a column named like an output alias still orders by the stored value.
    return `${quoteIdent(table.name)}.${quoteIdent(name)}${collate} asc nulls first`;
  });
  return `select ${columns.join(', ')} from ${quoteIdent(table.name)} order by ${order.join(', ')}`;
}

async function describeSqlite(query: Query): Promise<StoreTable[]> {
  const names = await query<{ name: string }>(
    `select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite\\_%' escape '\\'`,
  );
  const tables: StoreTable[] = [];
  for (const { name } of names) {
    const columns = await query<{ name: string; type: string; pk: number }>(
      'select name, type, pk from pragma_table_info(?) order by cid',
      [name],
    );
    const references = await query<{ table: string }>('select distinct "table" from pragma_foreign_key_list(?)', [name]);
    tables.push({
      name,
      columns: columns.map((c) => ({ name: c.name, kind: sqliteKind(c.type), collatable: false, castToText: false })),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      references: references.map((r) => r.table).filter((t) => t !== name),
    });
  }
  return tables;
}

/** SQLite's affinity rules (https://sqlite.org/datatype3.html#determination_of_column_affinity), in its order. */
function sqliteKind(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t === '') return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return t.startsWith('BOOL') ? 'boolean' : 'numeric';
}

const PG_SCHEMA = `(select oid from pg_namespace where nspname = current_schema())`;

async function describePostgres(query: Query): Promise<StoreTable[]> {
  const columns = await query<{ table: string; name: string; type: string; collatable: boolean }>(
    `select c.relname as "table", a.attname as name, t.typname as type, a.attcollation <> 0 as collatable
       from pg_class c
       join pg_attribute a on a.attrelid = c.oid
       join pg_type t on t.oid = a.atttypid
      where c.relnamespace = ${PG_SCHEMA} and c.relkind in ('r', 'p') and not c.relispartition
        and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`,
  );
  const keys = await query<{ table: string; name: string }>(
    `select c.relname as "table", a.attname as name
       from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
      where i.indisprimary and c.relnamespace = ${PG_SCHEMA}
      order by c.relname, array_position(i.indkey::int2[], a.attnum)`,
  );
  const references = await query<{ table: string; references: string }>(
    `select distinct c.relname as "table", r.relname as "references"
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class r on r.oid = k.confrelid
      where k.contype = 'f' and c.relnamespace = ${PG_SCHEMA}`,
  );
  const tables = new Map<string, StoreTable>();
  for (const c of columns) {
    let table = tables.get(c.table);
    if (!table) {
      table = { name: c.table, columns: [], primaryKey: [], references: [] };
      tables.set(c.table, table);
    }
    const kind = postgresKind(c.type);
    table.columns.push({
      name: c.name,
      kind,
      collatable: c.collatable,
      castToText: ['integer', 'json', 'numeric'].includes(kind) || !isNativeType(c.type),
    });
  }
  for (const k of keys) tables.get(k.table)?.primaryKey.push(k.name);
  for (const r of references) if (r.references !== r.table) tables.get(r.table)?.references.push(r.references);
  return [...tables.values()];
}

function postgresKind(type: string): ColumnKind {
  if (type === 'int2' || type === 'int4' || type === 'int8') return 'integer';
  if (type === 'float4' || type === 'float8') return 'real';
  if (type === 'numeric') return 'numeric';
  if (type === 'bool') return 'boolean';
  if (type === 'json' || type === 'jsonb') return 'json';
  if (type === 'bytea') return 'blob';
  return 'text';
}

/** Types the pg driver returns as a value this format keeps exactly; everything else is read as its text form. */
function isNativeType(type: string): boolean {
  return ['float4', 'float8', 'bool', 'bytea', 'text', 'varchar', 'bpchar'].includes(type);
}

/** Kahn's algorithm with name order among ready tables; a cycle's tables follow in name order. */
function orderByForeignKeys(tables: StoreTable[]): StoreTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const ordered: StoreTable[] = [];
  const sorted = [...tables].sort((a, b) => compareText(a.name, b.name));
  while (ordered.length < tables.length) {
    const ready = sorted.find((t) => !done.has(t.name) && t.references.every((r) => done.has(r) || !byName.has(r)));
    const next = ready ?? sorted.find((t) => !done.has(t.name))!;
    done.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
