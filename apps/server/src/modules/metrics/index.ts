/*
 * Metrics: the metric store agents' samples are written to (under node_exporter's names) and queried from,
 * with PromQL over Prometheus' HTTP API (rollups and retention tiers next). Other modules use it through this file only.
 */
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { EstateModule } from '../../platform/module/estate-module';
import { type MetricSink, StoreSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';
import { registerPrometheusApiRoutes } from './prometheus-api.routes';
import { PromqlEngine } from './promql/engine';
import { registerRemoteWriteRoute } from './remote-write.routes';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import { StoreSeriesSource } from './store-series-source';

export { AGENT_JOB, AGENT_SERIES_NAMES, storedMetricName } from './agent-series-names';
export { type MetricSink, type SampleSource, type SeriesBatch, toMetricSamples } from './metric-sink';
export type { MetricsTables } from './metrics.tables';
export type { EmbeddedMetricStoreOptions } from './store/embedded-metric-store';
export {
  type AppendResult,
  type LabelMatcher,
  MetricQueryError,
  type MetricSample,
  type MetricStore,
  type SeriesSamples,
} from './store/metric-store';
export { EmbeddedMetricStore };

/** What the metrics module is built from. */
export interface MetricsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  /** Days raw samples are kept. */
  sampleRetentionDays: number;
  /** Estate's own Prometheus registry, for the module's counters. */
  registry?: Registry;
}

/** The metrics module: the store, the sink reports are written to, and the pruning of samples past the retention. */
export interface MetricsModule extends EstateModule {
  /** The embedded metric store (ADR 0017), over the primary database: written by the sink, read by PromQL. */
  readonly store: EmbeddedMetricStore;
  readonly sink: MetricSink;
  /** Deletes raw chunks whose newest sample is older than the retention at `now`; answers how many chunks. */
  prune(now?: number): Promise<number>;
}

/** How often the store's grown heads are written into their chunks (ADR 0017). */
const CHECKPOINT_EVERY_MS = 60_000;
/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Builds the metrics module over the shared store. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const store = new EmbeddedMetricStore(options.db as Kysely<MetricsTables>);
  const sink = new StoreSink(store);
  const engine = new PromqlEngine(new StoreSeriesSource(store));
  const prune = (now = Date.now()) => sink.prune(now - options.sampleRetentionDays * 86_400_000);
  return {
    name: 'metrics',
    store,
    sink,
    prune,
    routes(http) {
      registerPrometheusApiRoutes(http, store, engine);
      registerRemoteWriteRoute(http, store, { rawRetentionDays: options.sampleRetentionDays, registry: options.registry });
    },
    schedules(scheduler) {
      scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
      // Appends checkpoint every 64 calls; this writes the heads of a quiet store too, for other processes to read.
      scheduler.every('metrics.checkpoint', CHECKPOINT_EVERY_MS, () => store.flush());
    },
  };
}
