import { XorChunkEncoder } from '@estate/tsdb';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsTables } from '../modules/metrics/metrics.tables';
import { EmbeddedMetricStore } from '../modules/metrics/store/embedded-metric-store';
import { canonicalSeries, fingerprintOf } from '../modules/metrics/store/label-matchers';
import { migrateToLatest } from '../platform/db/migrate';
import { type TestDatabase, testEngines } from '../platform/db/test-databases';
import { migrationsFor } from './index';

const T0 = 1_704_110_400_000;
const SERIES: Array<{ id: number; labels: Record<string, string> }> = [
  { id: 3, labels: { __name__: 'up', job: 'a' } },
  { id: 9, labels: { __name__: 'http.requests', path: '/a"b\\c', 'le.x': '1' } },
];

/** A real one-sample chunk, which the store reads its head from. */
function chunkAt(t: number, v: number): Uint8Array {
  const encoder = new XorChunkEncoder();
  encoder.append(t, v);
  return encoder.bytes();
}

for (const engine of testEngines()) {
  describe(`migration 0036-slim-metric-series on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it('drops the label rows and the metric name, keeps every series with its fingerprint as 16 bytes, and its cascades', async () => {
      database = await engine.create({ migrate: false });
      const all = migrationsFor(engine.dialect);
      await migrateToLatest(database, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0036')));
      const db = database.db;
      for (const { id, labels } of SERIES) {
        const canonical = canonicalSeries(labels);
        await db
          .insertInto('metric_series')
          .values({ id, metric: labels.__name__, labels: canonical, fingerprint: fingerprintOf(canonical), created_at: T0 + id })
          .execute();
        await db
          .insertInto('metric_series_labels')
          .values(Object.entries(labels).map(([name, value]) => ({ series_id: id, name, value })))
          .execute();
        await db
          .insertInto('metric_chunks')
          .values({ series_id: id, min_time: T0, max_time: T0, count: 1, bytes: Buffer.from(chunkAt(T0, id)) })
          .execute();
        await db
          .insertInto('metric_rollup_late')
          .values({ series_id: id, bucket_end: T0 + 300_000, mark: id })
          .execute();
      }

      expect(await migrateToLatest(database, all)).toEqual(['0036-slim-metric-series']);

      const rows = await db.selectFrom('metric_series').selectAll().orderBy('id').execute();
      expect(rows.map((r) => ({ ...r, id: Number(r.id), created_at: Number(r.created_at), fingerprint: [...r.fingerprint] }))).toEqual(
        SERIES.map(({ id, labels }) => ({
          id,
          labels: canonicalSeries(labels),
          fingerprint: [...Buffer.from(fingerprintOf(canonicalSeries(labels)), 'hex')],
          created_at: T0 + id,
        })),
      );
      await expect(db.selectFrom('metric_series_labels').selectAll().execute()).rejects.toThrow();
      // Nothing that referenced the series was cascaded away by the rebuild.
      expect(
        (await db.selectFrom('metric_chunks').select('series_id').orderBy('series_id').execute()).map((r) => Number(r.series_id)),
      ).toEqual([3, 9]);
      expect((await db.selectFrom('metric_rollup_late').select('mark').orderBy('mark').execute()).map((r) => Number(r.mark))).toEqual([
        3, 9,
      ]);

      // The fingerprint is still unique, a new series still takes an id of its own, and a deletion still cascades.
      const first = rows[0] as (typeof rows)[0];
      await expect(
        db.insertInto('metric_series').values({ labels: 'other', fingerprint: first.fingerprint, created_at: T0 }).execute(),
      ).rejects.toThrow();
      await db.deleteFrom('metric_series').where('id', '=', 3).execute();
      expect((await db.selectFrom('metric_chunks').select('series_id').execute()).map((r) => Number(r.series_id))).toEqual([9]);
      expect((await db.selectFrom('metric_rollup_late').select('series_id').execute()).map((r) => Number(r.series_id))).toEqual([9]);

      // The store finds the converted series by fingerprint (no second series) and reads its labels from the text.
      const store = new EmbeddedMetricStore(db as Kysely<MetricsTables>, { now: () => T0 });
      const labels = (SERIES[1] as (typeof SERIES)[1]).labels;
      expect((await store.append([{ labels, t: T0 + 15_000, v: 1 }])).appended).toBe(1);
      expect(await db.selectFrom('metric_series').select('id').execute()).toHaveLength(1);
      expect((await store.select([{ name: 'le.x', op: '=', value: '1' }], T0, T0 + 15_000)).map((s) => s.labels)).toEqual([labels]);

      if (engine.dialect === 'sqlite') {
        const { rows: fk } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        expect(Number(fk[0]?.foreign_keys)).toBe(1);
      }
    });
  });
}
