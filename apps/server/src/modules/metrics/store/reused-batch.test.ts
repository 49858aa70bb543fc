import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore } from './embedded-metric-store';
import { ReusedBatch } from './reused-batch';

type Row = { series_id: number; bucket_end: number; mark: number };

for (const engine of testEngines()) {
  describe(`statements reused across batches on ${engine.dialect}`, () => {
    const fresh = freshDatabases(engine);
    async function seriesIds(n: number): Promise<{ db: Kysely<MetricsTables>; ids: number[] }> {
      const db = (await fresh()).db as Kysely<MetricsTables>;
      // Its clock at the samples' time: they are not late, so the append marks nothing itself.
      await new EmbeddedMetricStore(db, { now: () => 0 }).append(
        Array.from({ length: n }, (_, i) => ({ labels: { __name__: 'x', i: String(i) }, t: 0, v: i })),
      );
      const ids = (await db.selectFrom('metric_series').select('id').orderBy('id').execute()).map((r) => Number(r.id));
      return { db, ids };
    }
    const insert = (db: Kysely<MetricsTables>) => (rows: readonly Row[]) => db.insertInto('metric_rollup_late').values([...rows]);
    const stored = async (db: Kysely<MetricsTables>) =>
      (await db.selectFrom('metric_rollup_late').select(['series_id', 'bucket_end', 'mark']).orderBy('series_id').execute()).map((r) => ({
        series_id: Number(r.series_id),
        bucket_end: Number(r.bucket_end),
        mark: Number(r.mark),
      }));

    it('builds the statement of a full batch once and runs it with each batch, building other sizes as usual', async () => {
      const { db, ids } = await seriesIds(7);
      const rows = ids.map((id, i) => ({ series_id: id, bucket_end: 300_000 * (i + 1), mark: i }));
      let builds = 0;
      const reused = new ReusedBatch<Row>(3, (r, into) => into.push(r.series_id, r.bucket_end, r.mark));
      const build = (b: readonly Row[]) => {
        builds++;
        return insert(db)(b);
      };
      for (const batch of [rows.slice(0, 3), rows.slice(3, 6), rows.slice(6)]) await reused.execute(db, batch, build);
      expect(builds).toBe(2);
      expect(await stored(db)).toEqual(rows);
    });

    it('builds every batch when the values it is told do not match what the statement binds', async () => {
      const { db, ids } = await seriesIds(4);
      const rows = ids.map((id, i) => ({ series_id: id, bucket_end: 300_000, mark: i }));
      let builds = 0;
      // The values in the wrong order: reusing the statement would store marks as bucket ends.
      const reused = new ReusedBatch<Row>(2, (r, into) => into.push(r.series_id, r.mark, r.bucket_end));
      for (const batch of [rows.slice(0, 2), rows.slice(2)]) {
        await reused.execute(db, batch, (b) => {
          builds++;
          return insert(db)(b);
        });
      }
      expect(builds).toBe(2);
      expect(await stored(db)).toEqual(rows);
    });
  });
}
