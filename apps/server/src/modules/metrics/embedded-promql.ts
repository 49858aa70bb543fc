import type { PromqlEngine } from './promql/engine';
import { parsePromql } from './promql/parse';
import { type PromqlAnswer, type PromqlBackend, type SearchRange, SerializedData, type SeriesSelector } from './promql-backend';
import type { MetricMetadataStore } from './store/metric-metadata';
import type { LabelMatcher, MetricStore } from './store/metric-store';

const byText = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The query API answered by Estate's own PromQL engine over the embedded store (the default). The engine's and the
 * store's refusals (PromqlError, MetricQueryError) are thrown as they are; the routes put them in the envelope.
 */
export class EmbeddedPromql implements PromqlBackend {
  constructor(
    private readonly store: MetricStore,
    private readonly engine: PromqlEngine,
    private readonly metadataStore?: MetricMetadataStore,
  ) {}

  async instant(query: string, time: number | undefined): Promise<PromqlAnswer> {
    return { data: await this.engine.evalInstant(query, time ?? Date.now()) };
  }

  async range(query: string, start: number, end: number, step: number, resolution: 'raw' | 'auto' = 'raw'): Promise<PromqlAnswer> {
    return { data: new SerializedData(await this.engine.evalRangeJson(query, start, end, step, resolution)) };
  }

  /**
   * Estate keeps no exemplars (remote_write's are counted as not written), so there are none to answer; the query is
   * still parsed, so a wrong one is refused as Prometheus refuses it. Grafana asks this when exemplars are on.
   */
  async exemplars(query: string, _range: SearchRange): Promise<PromqlAnswer> {
    parsePromql(query);
    return { data: [] };
  }

  async series(selectors: readonly SeriesSelector[], range: SearchRange): Promise<PromqlAnswer> {
    const ranged = range.start !== undefined || range.end !== undefined;
    const start = range.start ?? -8.64e15;
    const end = range.end ?? 8.64e15;
    const found = new Map<string, Record<string, string>>();
    for (const { matchers } of selectors) {
      // Without a time range, every matching series; the store lists those as it lists any, an empty window
      // selecting their labels without reading a sample.
      const matched = ranged ? await this.store.select(matchers, start, end) : await this.store.select(matchers, 1, 0);
      for (const s of matched) if (!ranged || s.samples.length > 0) found.set(JSON.stringify(Object.entries(s.labels).sort()), s.labels);
    }
    return { data: [...found.entries()].sort(byText).map(([, labels]) => labels) };
  }

  // Label searches over every series matching `match[]`; the time range is accepted and not yet narrowed by.
  async labelNames(selectors: readonly SeriesSelector[] | undefined): Promise<PromqlAnswer> {
    return { data: await union(selectors, (m) => this.store.labelNames(m)) };
  }

  async labelValues(name: string, selectors: readonly SeriesSelector[] | undefined): Promise<PromqlAnswer> {
    return { data: await union(selectors, (m) => this.store.labelValues(name, m)) };
  }

  async metadata(): Promise<PromqlAnswer> {
    return { data: this.metadataStore ? await this.metadataStore.all() : {} };
  }

  // The Prometheus version whose query semantics the engine follows; clients such as Grafana pick features by it.
  async buildInfo(): Promise<PromqlAnswer> {
    return { data: { version: '3.0.0', revision: 'estate', branch: '', buildUser: '', buildDate: '', goVersion: '' } };
  }
}

/** The sorted union of `list` over each selector's matchers, or `list()` when there are none. */
async function union(selectors: readonly SeriesSelector[] | undefined, list: (m?: LabelMatcher[]) => Promise<string[]>) {
  if (!selectors || selectors.length === 0) return list();
  const all = new Set<string>();
  for (const { matchers } of selectors) for (const v of await list(matchers)) all.add(v);
  return [...all].sort();
}
