import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore } from './embedded-metric-store';
import type { LabelMatcher } from './metric-store';
import type { ChunkRow } from './metric-store.repository';
import { SealedChunkCache } from './sealed-chunk-cache';

const T0 = 1_704_110_400_000;
const MINUTE = 60_000;
const up = (job: string) => ({ __name__: 'up', job });
const named = (name: string): LabelMatcher[] => [{ name: '__name__', op: '=', value: name }];
/** `count` samples a minute apart from minute `from` (chunks are cut at 120 samples). */
const minutes = (labels: Record<string, string>, from: number, count: number, value = (i: number) => i) =>
  Array.from({ length: count }, (_, k) => ({ labels, t: T0 + (from + k) * MINUTE, v: value(from + k) }));
const valuesOf = async (store: EmbeddedMetricStore, start = T0, end = T0 + 10_000 * MINUTE) =>
  (await store.select(named('up'), start, end)).map((s) => ({
    labels: s.labels,
    t: s.samples.map(([t]) => t),
    v: s.samples.map(([, v]) => v),
  }));

describe('SealedChunkCache', () => {
  const row = (series_id: number, min_time: number, max_time: number, size = 100): ChunkRow => ({
    series_id,
    min_time,
    max_time,
    count: 1,
    bytes: new Uint8Array(size),
  });

  it('keeps only chunks with a later one of their series listed, and answers those overlapping the start', () => {
    const cache = new SealedChunkCache();
    const keys = [
      { series_id: 1, min_time: 0 },
      { series_id: 1, min_time: 100 },
      { series_id: 1, min_time: 200 },
      { series_id: 2, min_time: 0 },
    ];
    expect(cache.plan(keys, 50)).toEqual({ held: [], fetch: keys });
    cache.keep(keys, [row(1, 0, 40), row(1, 100, 150), row(1, 200, 230), row(2, 0, 60)]);
    // Series 1's newest and series 2's only chunk may still grow: fetched again. The first ends before 50: skipped.
    expect(cache.plan(keys, 50)).toEqual({ held: [row(1, 100, 150)], fetch: [keys[2], keys[3]] });
    expect(cache.plan(keys, 0).held).toEqual([row(1, 0, 40), row(1, 100, 150)]);
    cache.clear();
    expect(cache.plan(keys, 0).fetch).toEqual(keys);
    expect(cache.size).toBe(0);
  });

  it('stays within its budget by dropping the series read least recently', () => {
    const cache = new SealedChunkCache(3 * 200);
    const keysOf = (id: number) => [
      { series_id: id, min_time: 0 },
      { series_id: id, min_time: 100 },
    ];
    for (const id of [1, 2, 3]) cache.keep(keysOf(id), [row(id, 0, 50)]);
    expect(cache.size).toBe(600);
    cache.plan(keysOf(1), 0); // series 1 read again: series 2 is now the least recent
    cache.keep(keysOf(4), [row(4, 0, 50)]);
    expect(cache.size).toBe(600);
    expect(cache.plan(keysOf(2), 0).held).toEqual([]);
    for (const id of [1, 3, 4]) expect(cache.plan(keysOf(id), 0).held).toEqual([row(id, 0, 50)]);
  });
});

for (const engine of testEngines()) {
  describe(`sealed chunks read from memory on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    const fresh = async () => (await database()).db as Kysely<MetricsTables>;

    it('serves sealed chunks from memory and always reads the newest chunk again, which may still grow', async () => {
      const db = await fresh();
      const writer = new EmbeddedMetricStore(db, { now: () => T0 });
      await writer.append(minutes(up('a'), 0, 300));
      await writer.flush();
      // A reader beside the writer (another process): it holds no heads, so it reads what is stored.
      const reader = new EmbeddedMetricStore(db, { now: () => T0, seriesRefreshMs: 0 });
      const first = await valuesOf(reader);
      expect(first[0]?.v).toEqual(Array.from({ length: 300 }, (_, i) => i));

      // The first chunk's row is changed behind the reader's back: what it read before is what it answers.
      const sealed = await db
        .selectFrom('metric_chunks')
        .select(['series_id', 'min_time', 'bytes'])
        .orderBy('min_time')
        .executeTakeFirstOrThrow();
      const newest = await db.selectFrom('metric_chunks').select(['bytes']).orderBy('min_time', 'desc').executeTakeFirstOrThrow();
      await db
        .updateTable('metric_chunks')
        .set({ bytes: newest.bytes })
        .where('series_id', '=', sealed.series_id)
        .where('min_time', '=', sealed.min_time)
        .execute();
      expect(await valuesOf(reader)).toEqual(first);
      const uncached = new EmbeddedMetricStore(db, { now: () => T0, chunkCacheBytes: 0 });
      expect((await valuesOf(uncached))[0]?.v).not.toEqual(first[0]?.v);
      await db
        .updateTable('metric_chunks')
        .set({ bytes: sealed.bytes })
        .where('series_id', '=', sealed.series_id)
        .where('min_time', '=', sealed.min_time)
        .execute();

      // The head grows and is cut: the reader sees every new sample.
      await writer.append(minutes(up('a'), 300, 100));
      await writer.flush();
      expect((await valuesOf(reader))[0]?.v).toEqual(Array.from({ length: 400 }, (_, i) => i));
      // Windows inside, across and after chunks answer as a reader without the cache does.
      for (const [from, to] of [
        [0, 0],
        [119, 121],
        [50, 290],
        [239, 240],
        [330, 399],
        [400, 500],
      ] as const) {
        const start = T0 + (from as number) * MINUTE;
        const end = T0 + (to as number) * MINUTE;
        expect(await valuesOf(reader, start, end)).toEqual(await valuesOf(uncached, start, end));
      }
    });

    it('never answers a deleted series’ chunks for the series created after it, whatever its id', async () => {
      const db = await fresh();
      const writer = new EmbeddedMetricStore(db, { now: () => T0 });
      await writer.append(minutes(up('a'), 0, 250));
      await writer.flush();
      const reader = new EmbeddedMetricStore(db, { now: () => T0, seriesRefreshMs: 0 });
      expect((await valuesOf(reader))[0]?.v).toHaveLength(250);

      // Another process deletes it and stores a series (on SQLite under the same id) at the same times.
      expect(await writer.deleteSeries(named('up'))).toBe(1);
      await writer.append(minutes(up('b'), 0, 250, (i) => 1_000 + i));
      await writer.flush();
      expect(await valuesOf(reader)).toEqual([
        { labels: up('b'), t: Array.from({ length: 250 }, (_, i) => T0 + i * MINUTE), v: Array.from({ length: 250 }, (_, i) => 1_000 + i) },
      ]);

      // And so when this store deletes it itself.
      await writer.append(minutes(up('b'), 250, 1, () => 5));
      await writer.flush();
      expect(await reader.deleteSeries(named('up'))).toBe(1);
      await writer.append(minutes(up('c'), 0, 250, (i) => -i));
      await writer.flush();
      expect((await valuesOf(reader))[0]?.v).toEqual(Array.from({ length: 250 }, (_, i) => -i));
    });
  });
}
