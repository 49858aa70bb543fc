import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import type { MetricsTables } from './metrics.tables';
import { PromqlEngine, type PromqlResult } from './promql/engine';
import type { RollupField, RollupTier } from './promql/rollup-plan';
import type { SeriesData, SeriesMatcher, SeriesSource } from './promql/series-source';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import type { MetricSample } from './store/metric-store';
import { StoreSeriesSource } from './store-series-source';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 1);
const STEP = 30_000;
const DAYS = 3;

/** Three days at 30 s of two hosts: a load gauge in quarters (sums are exact) and a byte counter with one reset. */
function dataset(): MetricSample[] {
  const out: MetricSample[] = [];
  for (const instance of ['a', 'b']) {
    let bytes = 0;
    for (let i = 0; i < (DAYS * DAY) / STEP; i++) {
      const t = T0 + i * STEP + (instance === 'b' ? 7_000 : 0);
      const load = ((i * 37 + (instance === 'a' ? 3 : 11)) % 41) / 4;
      bytes = i === 4321 ? 0 : bytes + 1000 + (i % 17) * 10;
      out.push({ labels: { __name__: 'node_load1', instance }, t, v: load });
      out.push({ labels: { __name__: 'node_network_receive_bytes_total', instance }, t, v: bytes });
    }
  }
  return out.sort((x, y) => x.t - y.t);
}

/** The store's source, noting which tier each selector read. */
class WatchedSource implements SeriesSource {
  readonly reads: string[] = [];
  constructor(private readonly inner: StoreSeriesSource) {}
  select(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<SeriesData[]> {
    this.reads.push('raw');
    return this.inner.select(matchers, startMs, endMs);
  }
  selectRollup(matchers: SeriesMatcher[], startMs: number, endMs: number, tier: RollupTier, field: RollupField): Promise<SeriesData[]> {
    this.reads.push(`${tier}:${field}`);
    return this.inner.selectRollup(matchers, startMs, endMs, tier, field);
  }
}

type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
const matrix = (r: PromqlResult) => r.result as Matrix;

for (const engine of testEngines()) {
  describe(`range queries at auto resolution on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let store: EmbeddedMetricStore;
    const now = T0 + DAYS * DAY + HOUR;
    beforeAll(async () => {
      database = await engine.create();
      store = new EmbeddedMetricStore(database.db as Kysely<MetricsTables>, { now: () => now });
      expect((await store.append(dataset())).rejected).toEqual([]);
      await store.rollups.run();
    });
    afterAll(() => database?.cleanup());

    async function both(query: string, start: number, end: number, step: number) {
      const source = new WatchedSource(new StoreSeriesSource(store));
      const promql = new PromqlEngine(source);
      const raw = await promql.evalRange(query, start, end, step, 'raw');
      const rawReads = source.reads.splice(0);
      const auto = await promql.evalRange(query, start, end, step, 'auto');
      expect(rawReads).toEqual(['raw']);
      return { raw: matrix(raw), auto: matrix(auto), reads: source.reads };
    }

    it.each([
      ['max_over_time(node_load1[1h])', HOUR, '1h:max'],
      ['min_over_time(node_load1[15m])', 5 * 60_000, '5m:min'],
      ['sum_over_time(node_load1[1h])', 30 * 60_000, '5m:sum'],
      ['count_over_time(node_load1[2h])', 2 * HOUR, '1h:count'],
      ['max by (instance) (max_over_time(node_load1[10m] offset 5m))', 10 * 60_000, '5m:max'],
    ])('answers %s exactly as raw samples do, from the rollups (step %d ms)', async (query, step, tier) => {
      // Over the whole span, the last hours included, which the job has not rolled up yet.
      const { raw, auto, reads } = await both(query, T0 + 2 * HOUR, T0 + DAYS * DAY, step);
      expect(reads).toEqual([tier]);
      expect(raw.length).toBe(2);
      expect(raw[0]!.values.length).toBeGreaterThan(30);
      expect(auto).toEqual(raw);
    });

    it('answers avg_over_time as the sum over the count of the buckets, equal to raw to the last bits', async () => {
      const { raw, auto, reads } = await both('avg_over_time(node_load1[3h])', T0 + 3 * HOUR, T0 + DAYS * DAY, HOUR);
      expect(reads.sort()).toEqual(['1h:count', '1h:sum']);
      expect(auto.map((s) => s.metric)).toEqual(raw.map((s) => s.metric));
      auto.forEach((s, i) => {
        expect(s.values.map(([t]) => t)).toEqual(raw[i]!.values.map(([t]) => t));
        s.values.forEach(([, v], j) => {
          expect(Number(v)).toBeCloseTo(Number(raw[i]!.values[j]![1]), 9);
        });
      });
    });

    it('reads instant selectors and rate from each bucket’s last sample, close to raw', async () => {
      const gauge = await both('node_load1', T0 + HOUR, T0 + DAYS * DAY, HOUR);
      expect(gauge.reads).toEqual(['1h:last']);
      expect(gauge.auto).toEqual(gauge.raw);
      const rate = await both('rate(node_network_receive_bytes_total[1h])', T0 + HOUR, T0 + DAYS * DAY, 15 * 60_000);
      expect(rate.reads).toEqual(['5m:last']);
      expect(rate.auto.map((s) => s.values.length)).toEqual(rate.raw.map((s) => s.values.length));
      rate.auto.forEach((s, i) => {
        s.values.forEach(([t, v], j) => {
          const [rt, rv] = rate.raw[i]!.values[j]!;
          expect(t).toBe(rt);
          expect(Math.abs(Number(v) / Number(rv) - 1)).toBeLessThan(0.05);
        });
      });
    });

    it('reads raw samples for steps under a bucket, windows that are not whole buckets and other functions', async () => {
      for (const [query, step] of [
        ['max_over_time(node_load1[1h])', 60_000],
        ['max_over_time(node_load1[7m])', 5 * 60_000],
        ['quantile_over_time(0.9, node_load1[1h])', HOUR],
        ['max_over_time(node_load1[1h:5m])', HOUR],
      ] as const) {
        const { raw, auto, reads } = await both(query, T0 + 2 * HOUR, T0 + 6 * HOUR, step);
        expect(reads, query).toEqual(['raw']);
        expect(auto).toEqual(raw);
      }
    });

    it('reads a rollup tier for a range older than the raw tier keeps, once the raw samples are gone', async () => {
      const source = new WatchedSource(new StoreSeriesSource(store));
      const promql = new PromqlEngine(source, { rollupRetention: { rawMs: 2 * DAY, fiveMinuteMs: 30 * DAY, now: () => now } });
      const query = 'max_over_time(node_load1[10m])';
      const before = await promql.evalRange(query, T0 + HOUR, T0 + 12 * HOUR, 60_000, 'raw');
      expect(await store.rollups.prune(now, { raw: 2 * DAY, '5m': 30 * DAY, '1h': 365 * DAY }, (c) => store.deleteBefore(c))).toMatchObject(
        {
          '5m': 0,
        },
      );
      expect(matrix(await promql.evalRange(query, T0 + HOUR, T0 + 12 * HOUR, 60_000, 'raw'))).toEqual([]);
      source.reads.splice(0);
      const auto = matrix(await promql.evalRange(query, T0 + HOUR, T0 + 12 * HOUR, 60_000, 'auto'));
      expect(source.reads).toEqual(['5m:max']);
      // Every minute answers from the buckets that end in its window; on the 10-minute marks, exactly as before.
      const exact = (m: Matrix) => m.map((s) => s.values.filter(([t]) => (t * 1000) % 600_000 === 0));
      expect(exact(auto)).toEqual(exact(matrix(before)));
      expect(auto[0]!.values.length).toBe(matrix(before)[0]!.values.length);
    });
  });
}
