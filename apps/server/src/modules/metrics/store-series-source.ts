/*
 * The PromQL engine's SeriesSource over a MetricStore. Prometheus' stale markers (the NaN an exporter or scraper
 * writes when a series ends), which the store reports in `stale`, are moved out of the samples.
 */
import type { SeriesData, SeriesMatcher, SeriesSource } from './promql/series-source';
import type { MetricStore } from './store/metric-store';

export class StoreSeriesSource implements SeriesSource {
  constructor(private readonly store: MetricStore) {}

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
}
