import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../platform/db/migrate';
import { type TestDatabase, testEngines } from '../platform/db/test-databases';
import { migrationsFor } from './index';

const T0 = 1_704_110_400_000;
const TABLES = ['metric_chunks', 'metric_series_labels', 'metric_rollup_late'];
/** The table rebuilt WITHOUT ROWID; the others keep their row id (see the migration). */
const REBUILT = ['metric_series_labels'];
/** Integer columns, which PostgreSQL's driver may hand back as strings. */
const NUMERIC = new Set(['series_id', 'min_time', 'max_time', 'count', 'bucket_end', 'mark']);

for (const engine of testEngines()) {
  describe(`migration 0025-compact-metric-tables on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it('keeps every row, key and index of the metric tables, and their cascades from metric_series', async () => {
      database = await engine.create({ migrate: false });
      const all = migrationsFor(engine.dialect);
      await migrateToLatest(database, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0025')));
      const db = database.db;
      await db
        .insertInto('metric_series')
        .values([1, 2].map((id) => ({ id, metric: 'up', labels: `up{i="${id}"}`, fingerprint: String(id).repeat(32), created_at: T0 })))
        .execute();
      const labels = [1, 2].flatMap((id) => [
        { series_id: id, name: '__name__', value: 'up' },
        { series_id: id, name: 'i', value: String(id) },
      ]);
      await db.insertInto('metric_series_labels').values(labels).execute();
      const chunks = [1, 2].flatMap((id) =>
        [0, 1].map((k) => ({
          series_id: id,
          min_time: T0 + k * 1_200_000,
          max_time: T0 + k * 1_200_000 + 1_190_000,
          count: 120,
          bytes: Buffer.from([id, k, 0, 255]),
        })),
      );
      await db.insertInto('metric_chunks').values(chunks).execute();
      await db
        .insertInto('metric_rollup_late')
        .values([{ series_id: 1, bucket_end: T0 + 300_000, mark: 2 ** 52 - 1 }])
        .execute();

      const through0025 = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0026'));
      expect(await migrateToLatest(database, through0025)).toEqual(['0025-compact-metric-tables']);

      const read = async (table: string, order: string[]) =>
        (await db.selectFrom(table).selectAll().orderBy(order).execute()).map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? [...v] : NUMERIC.has(k) ? Number(v) : v])),
        );
      expect(await read('metric_chunks', ['series_id', 'min_time'])).toEqual(
        chunks.map((c) => ({ ...c, bytes: [...c.bytes], tier: 'raw' })),
      );
      expect(await read('metric_series_labels', ['series_id', 'name'])).toEqual(labels);
      expect(await read('metric_rollup_late', ['series_id'])).toEqual([{ series_id: 1, bucket_end: T0 + 300_000, mark: 2 ** 52 - 1 }]);

      // The keys still refuse a second row, the tier still defaults, and deleting a series still cascades.
      await expect(
        db
          .insertInto('metric_chunks')
          .values({ ...chunks[0], bytes: Buffer.from([9]) })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('metric_series_labels')
          .values(labels[0] as (typeof labels)[0])
          .execute(),
      ).rejects.toThrow();
      await db.deleteFrom('metric_series').where('id', '=', 1).execute();
      for (const table of TABLES) {
        const left = await db.selectFrom(table).select('series_id').distinct().execute();
        expect(left.map((r) => Number(r.series_id))).toEqual(table === 'metric_rollup_late' ? [] : [2]);
      }

      if (engine.dialect === 'sqlite') {
        const schema = await db
          .selectFrom('sqlite_schema')
          .select(['type', 'name', 'tbl_name', 'sql'])
          .where('tbl_name', 'in', TABLES)
          .execute();
        for (const table of ['metric_chunks', 'metric_rollup_late']) {
          expect(schema.find((s) => s.name === table)?.sql).not.toMatch(/without rowid$/i);
        }
        for (const table of REBUILT) {
          // The table is its key's b-tree: no hidden row id, no second copy of the key in an automatic index.
          expect(schema.find((s) => s.name === table)?.sql).toMatch(/without rowid$/i);
          expect(schema.filter((s) => s.tbl_name === table && s.name.startsWith('sqlite_autoindex'))).toEqual([]);
        }
        expect(schema.filter((s) => s.type === 'index').map((s) => s.name)).toEqual(
          expect.arrayContaining([
            'metric_chunks_max_time_idx',
            'metric_series_labels_name_value_idx',
            'metric_rollup_late_bucket_end_idx',
          ]),
        );
        const { rows } = await sql<{ auto_vacuum: number }>`pragma auto_vacuum`.execute(db);
        expect(Number(rows[0]?.auto_vacuum)).toBe(2);
      }
    });
  });
}
