import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../migrations';
import { migrateToLatest } from './migrate';
import { type TestDatabase, testEngines } from './test-databases';

/** Full-text search objects are engine-specific by design (FTS5 tables on SQLite, a tsvector column and its GIN index on PostgreSQL). */
const ENGINE_SPECIFIC = /_fts(_|$)/;

/**
 * Kysely's introspection reads every schema on PostgreSQL; one that a test beside this one drops meanwhile fails the
 * read ("schema … does not exist"). Read again then: the schema is gone the second time.
 */
async function tablesOf(database: TestDatabase) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.db.introspection.getTables();
    } catch (err) {
      if (attempt >= 5 || !/schema "[^"]+" does not exist/.test((err as Error).message)) throw err;
    }
  }
}

/** A schema reduced to what must match across engines: tables, columns, nullability, type family, indexes. */
async function describeSchema(database: TestDatabase): Promise<Record<string, unknown>> {
  const tables = await tablesOf(database);
  // Kysely lists the tables of every schema on PostgreSQL; tests running beside this one have their own schemas.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ name: string }>`select current_schema() as name`.execute(database.db)).rows[0]?.name
      : undefined;
  const out: Record<string, unknown> = {};
  for (const table of tables
    .filter((t) => schema === undefined || t.schema === schema)
    .filter((t) => !t.name.startsWith('estate_migrations') && !ENGINE_SPECIFIC.test(t.name))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    out[table.name] = Object.fromEntries(
      table.columns
        .filter((c) => !ENGINE_SPECIFIC.test(c.name))
        .map((c) => [c.name, { type: typeFamily(c.dataType), nullable: c.isNullable }]),
    );
    if (database.dialect === 'sqlite') {
      // SQLite hides generated columns from table_info (which the introspection reads); table_xinfo marks them 2 or 3.
      const generated = await sql<{ name: string; type: string; notnull: number }>`
        select name, type, "notnull" from pragma_table_xinfo(${table.name}) where hidden in (2, 3)`.execute(database.db);
      for (const c of generated.rows.filter((g) => !ENGINE_SPECIFIC.test(g.name))) {
        (out[table.name] as Record<string, unknown>)[c.name] = { type: typeFamily(c.type), nullable: c.notnull === 0 };
      }
    }
  }
  const indexes =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_%'`.execute(database.db)
      : await sql<{
          name: string;
        }>`select indexname as name from pg_indexes i where schemaname = current_schema() and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(
          database.db,
        );
  out['#indexes'] = indexes.rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('estate_migrations') && !ENGINE_SPECIFIC.test(n))
    .sort();
  return out;
}

function typeFamily(dataType: string): string {
  const t = dataType.toLowerCase();
  if (['int4', 'int8', 'integer', 'bigint', 'int'].includes(t)) return 'integer';
  if (['text', 'varchar', 'jsonb'].includes(t)) return t === 'jsonb' ? 'json' : 'text';
  if (['real', 'float8', 'double precision', 'double'].includes(t)) return 'real';
  if (['blob', 'bytea'].includes(t)) return 'bytes';
  return t;
}

describe('migrations', () => {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of created) await d.cleanup();
  });

  for (const engine of testEngines()) {
    it(`apply to an empty ${engine.dialect} database and are idempotent`, async () => {
      const database = await engine.create({ migrate: false });
      created.push(database);
      const applied = await migrateToLatest(database, migrationsFor(engine.dialect));
      expect(applied).toContain('0001-foundation');
      expect(await migrateToLatest(database, migrationsFor(engine.dialect))).toEqual([]);
    });
  }

  it('produce the same schema on both engines', async (ctx) => {
    const engines = testEngines();
    if (engines.length < 2) {
      ctx.skip();
      return;
    }
    const schemas = [];
    for (const engine of engines) {
      const database = await engine.create();
      created.push(database);
      schemas.push(await describeSchema(database));
    }
    // JSON columns are jsonb on PostgreSQL and text on SQLite by design; compare them as one family.
    const normalise = (s: Record<string, unknown>) => JSON.parse(JSON.stringify(s).replaceAll('"json"', '"text"'));
    expect(normalise(schemas[1] as Record<string, unknown>)).toEqual(normalise(schemas[0] as Record<string, unknown>));
    expect(Object.keys(schemas[0] as object)).toContain('audit_events');
  });
});
