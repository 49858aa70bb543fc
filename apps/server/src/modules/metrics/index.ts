/*
 * Metrics: where reported samples are stored and queried (PromQL over Prometheus' HTTP API; rollups and retention
 * tiers in the next issue). Other modules use it through this file only.
 */
import type { Kysely } from 'kysely';
import type { EstateModule } from '../../platform/module/estate-module';
import { type MetricSink, SampleTableSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';
import { registerPrometheusApiRoutes } from './prometheus-api.routes';
import { PromqlEngine } from './promql/engine';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import type { MetricStore } from './store/metric-store';
import { StoreSeriesSource } from './store-series-source';

export { type MetricSink, type SeriesBatch, seriesKey } from './metric-sink';
export type { MetricsTables } from './metrics.tables';
export { EmbeddedMetricStore, type EmbeddedMetricStoreOptions } from './store/embedded-metric-store';
export {
  type AppendResult,
  type LabelMatcher,
  MetricQueryError,
  type MetricSample,
  type MetricStore,
  type SeriesSamples,
} from './store/metric-store';

/** What the metrics module is built from. */
export interface MetricsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  /** Days raw samples are kept. */
  sampleRetentionDays: number;
  /** The metric store queried over Prometheus' API; an embedded store over `db` unless given. */
  store?: MetricStore;
}

/** The metrics module: the sink reports are written to, and the pruning of samples past the retention. */
export interface MetricsModule extends EstateModule {
  readonly sink: MetricSink;
  /** The store Prometheus' query API reads. */
  readonly store: MetricStore;
  /** Deletes samples older than the retention at `now`; answers how many. */
  prune(now?: number): Promise<number>;
}

/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Builds the metrics module over the shared store. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const sink = new SampleTableSink(options.db as Kysely<MetricsTables>);
  const store = options.store ?? new EmbeddedMetricStore(options.db as Kysely<MetricsTables>);
  const engine = new PromqlEngine(new StoreSeriesSource(store));
  const prune = (now = Date.now()) => sink.prune(now - options.sampleRetentionDays * 86_400_000);
  return {
    name: 'metrics',
    sink,
    store,
    prune,
    routes(http) {
      registerPrometheusApiRoutes(http, store, engine);
    },
    schedules(scheduler) {
      scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
    },
  };
}
