/*
 * Metrics: the metric store agents' samples are written to (under node_exporter's names) and queried from,
 * with PromQL over Prometheus' HTTP API (rollups and retention tiers next). The store and the PromQL answering it
 * are either embedded (the default, ADR 0017) or a Prometheus-compatible backend named by ESTATE_METRICS_URL
 * (ADR 0019); the choice is made here and nowhere else. Other modules use it through this file only.
 */
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { MetricsBackendTarget } from '../../platform/config/metrics-backend';
import type { EstateModule } from '../../platform/module/estate-module';
import { EmbeddedPromql } from './embedded-promql';
import { type MetricSink, StoreSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';
import { registerPrometheusApiRoutes } from './prometheus-api.routes';
import { PromqlEngine } from './promql/engine';
import type { PromqlBackend } from './promql-backend';
import { MetricsBackendClient } from './remote/metrics-backend-client';
import { RemotePromql } from './remote/remote-promql';
import { registerRemoteWriteRoute } from './remote-write.routes';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import type { MetricStore } from './store/metric-store';
import { RemoteMetricStore, type RemoteMetricStoreOptions } from './store/remote-metric-store';
import { StoreSeriesSource } from './store-series-source';

export { AGENT_JOB, AGENT_SERIES_NAMES, storedMetricName } from './agent-series-names';
export { type MetricSink, type SampleSource, type SeriesBatch, toMetricSamples } from './metric-sink';
export type { MetricsTables } from './metrics.tables';
export { MetricsBackendRefusedError, MetricsBackendUnavailableError } from './remote/metrics-backend-client';
export type { EmbeddedMetricStoreOptions } from './store/embedded-metric-store';
export {
  type AppendResult,
  type LabelMatcher,
  MetricQueryError,
  type MetricSample,
  type MetricStore,
  type SeriesSamples,
} from './store/metric-store';
export type { RemoteMetricStoreOptions } from './store/remote-metric-store';
export { EmbeddedMetricStore, RemoteMetricStore };

/** What the metrics module is built from. */
export interface MetricsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  /** Days raw samples are kept (embedded store only: a remote backend keeps its own retention). */
  sampleRetentionDays: number;
  /** Estate's own Prometheus registry, for the module's counters. */
  registry?: Registry;
  /** The metrics backend (ESTATE_METRICS_URL), or undefined for the embedded store. */
  backend?: MetricsBackendTarget | undefined;
  /** Estate's version, sent to the backend as `User-Agent: Estate/<version>`. */
  version?: string;
  /** How remote appends are cut and retried, and how long requests may take (ms). */
  remote?: RemoteMetricStoreOptions & { timeoutMs?: number; writeTimeoutMs?: number };
}

/** The metrics module: the store, the sink reports are written to, and the pruning of samples past the retention. */
export interface MetricsModule extends EstateModule {
  /** The metric store, written by the sink: embedded in the primary database (ADR 0017) or remote (ADR 0019). */
  readonly store: MetricStore;
  readonly sink: MetricSink;
  /**
   * Deletes raw chunks whose newest sample is older than the retention at `now`; answers how many chunks. With a
   * remote backend, whose retention is its own, deletes nothing and answers 0.
   */
  prune(now?: number): Promise<number>;
}

/** How often the store's grown heads are written into their chunks (ADR 0017). */
const CHECKPOINT_EVERY_MS = 60_000;
/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Builds the metrics module: over the shared store, or over the metrics backend when one is configured. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  let store: MetricStore;
  let embedded: EmbeddedMetricStore | undefined;
  let promql: PromqlBackend;
  if (options.backend) {
    const { timeoutMs, writeTimeoutMs, ...appendOptions } = options.remote ?? {};
    const client = new MetricsBackendClient(options.backend, {
      userAgent: `Estate/${options.version ?? 'dev'}`,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(writeTimeoutMs !== undefined ? { writeTimeoutMs } : {}),
    });
    store = new RemoteMetricStore(client, appendOptions);
    promql = new RemotePromql(client);
  } else {
    embedded = new EmbeddedMetricStore(options.db as Kysely<MetricsTables>);
    store = embedded;
    promql = new EmbeddedPromql(store, new PromqlEngine(new StoreSeriesSource(store)));
  }
  const sink = new StoreSink(store);
  const prune = (now = Date.now()) => sink.prune(now - options.sampleRetentionDays * 86_400_000);
  return {
    name: 'metrics',
    store,
    sink,
    prune,
    routes(http) {
      registerPrometheusApiRoutes(http, promql);
      registerRemoteWriteRoute(http, store, { rawRetentionDays: options.sampleRetentionDays, registry: options.registry });
    },
    ...(embedded
      ? {
          schedules(scheduler) {
            const local = embedded as EmbeddedMetricStore;
            scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
            // Appends checkpoint every 64 calls; this writes the heads of a quiet store too, for other processes to read.
            scheduler.every('metrics.checkpoint', CHECKPOINT_EVERY_MS, () => local.flush());
          },
        }
      : {}),
  };
}
