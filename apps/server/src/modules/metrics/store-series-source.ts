/*
 * The PromQL engine's SeriesSource over a MetricStore. Prometheus' stale markers (the NaN an exporter or scraper
 * writes when a series ends), which the store reports in `stale`, are moved out of the samples. Rollup buckets are
 * handed to the engine as one sample per bucket.
 */
import type { RollupField, RollupTier } from './promql/rollup-plan';
import type { SeriesData, SeriesMatcher, SeriesSource } from './promql/series-source';
import { type StoredSeries, withStaleMarkers } from './promql/stored-series';
import type { ColumnarSeries } from './store/embedded-metric-store';
import type { LabelMatcher, MetricStore } from './store/metric-store';

/** A store that decodes straight into typed arrays (the embedded one). */
interface ColumnarStore {
  selectColumns(matchers: readonly LabelMatcher[], start: number, end: number): Promise<ColumnarSeries[]>;
}
const isColumnar = (store: MetricStore): store is MetricStore & ColumnarStore =>
  typeof (store as Partial<ColumnarStore>).selectColumns === 'function';

/** A tier's bucket size, in ms. */
const BUCKET_MS: Readonly<Record<RollupTier, number>> = { '5m': 300_000, '1h': 3_600_000 };

export class StoreSeriesSource implements SeriesSource {
  constructor(private readonly store: MetricStore) {}

  async selectStored(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<StoredSeries[]> {
    if (isColumnar(this.store)) return this.store.selectColumns(matchers, Math.floor(startMs), Math.ceil(endMs));
    return (await this.select(matchers, startMs, endMs)).map(withStaleMarkers);
  }

  async select(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<SeriesData[]> {
    const found = await this.store.select(matchers, Math.floor(startMs), Math.ceil(endMs));
    const out: SeriesData[] = [];
    for (const series of found) {
      const stale = series.stale;
      if (stale && stale.length > 0) {
        const marks = new Set(stale);
        const samples = series.samples.filter(([t]) => !marks.has(t));
        out.push({ labels: series.labels, samples, stale: [...stale] });
      } else if (series.samples.length > 0) {
        out.push({ labels: series.labels, samples: series.samples });
      }
    }
    return out;
  }

  /**
   * One sample per bucket: `field` at the bucket's end, or `last` at the time of the bucket's newest sample. The
   * buckets read reach one bucket past `endMs`, whose newest sample may still be at or before it.
   */
  async selectRollup(
    matchers: SeriesMatcher[],
    startMs: number,
    endMs: number,
    tier: RollupTier,
    field: RollupField,
  ): Promise<SeriesData[]> {
    const lo = Math.floor(startMs);
    const hi = Math.ceil(endMs);
    if (!this.store.selectRollup) throw new Error('this metric store keeps no rollup tiers');
    const found = await this.store.selectRollup(matchers, lo, hi + BUCKET_MS[tier], tier);
    const out: SeriesData[] = [];
    for (const series of found) {
      const samples: Array<[number, number]> = [];
      for (const b of series.buckets) {
        const t = field === 'last' ? b.lastT : b.t;
        if (t >= lo && t <= hi) samples.push([t, b[field]]);
      }
      if (samples.length > 0) out.push({ labels: series.labels, samples });
    }
    return out;
  }
}
