/*
 * Metrics: the metric store agents' samples are written to (under node_exporter's names) and queried from,
 * with PromQL over Prometheus' HTTP API; 5-minute and 1-hour rollups, each tier with its retention (ADR 0018). The
 * store and the PromQL answering it are either embedded (the default, ADR 0017) or a Prometheus-compatible backend
 * named by ESTATE_METRICS_URL (ADR 0019); the choice is made here and nowhere else. Other modules use it through
 * this file only.
 */
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { MetricsBackendTarget } from '../../platform/config/metrics-backend';
import type { Dialect } from '../../platform/db/database';
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
import { selfScrapeSamples } from './self-scrape';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import { MetricMetadataStore } from './store/metric-metadata';
import type { TierRetention } from './store/metric-rollups';
import type { MetricStore, RollupTier } from './store/metric-store';
import { RemoteMetricStore, type RemoteMetricStoreOptions } from './store/remote-metric-store';
import { StoreSeriesSource } from './store-series-source';

export { AGENT_JOB, AGENT_SERIES_NAMES, storedMetricName } from './agent-series-names';
export { type MetricSink, type SampleSource, type SeriesBatch, toMetricSamples } from './metric-sink';
export type { MetricsTables } from './metrics.tables';
// PromQL as a library, for rule evaluation (alerting) and promtool-style rule tests over in-memory series.
export type { PromqlEngineOptions, PromqlResult } from './promql/engine';
export { PromqlError } from './promql/errors';
export { parsePromql, typeOf } from './promql/parse';
export { InMemorySeriesSource, type SeriesData, type SeriesSource } from './promql/series-source';
export type { PromqlBackend } from './promql-backend';
export { MetricsBackendRefusedError, MetricsBackendUnavailableError } from './remote/metrics-backend-client';
export type { EmbeddedMetricStoreOptions } from './store/embedded-metric-store';
export type { TierRetention } from './store/metric-rollups';
export {
  type AppendResult,
  type LabelMatcher,
  MetricQueryError,
  type MetricSample,
  type MetricStore,
  type RollupBucket,
  type RollupTier,
  type SeriesRollup,
  type SeriesSamples,
} from './store/metric-store';
export type { RemoteMetricStoreOptions } from './store/remote-metric-store';
export { EmbeddedMetricStore, PromqlEngine, RemoteMetricStore };

/** What the metrics module is built from. */
export interface MetricsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  /** Days each tier keeps: raw samples, 5-minute and 1-hour rollups (embedded store only: a backend has its own). */
  retentionDays: { raw: number; '5m': number; '1h': number };
  /** The engine of `db`: on SQLite, whose writes are serialized, appends mark fewer buckets late (ADR 0018). */
  dialect?: Dialect;
  /** The clock of the rollup job and pruning (tests). */
  now?: () => number;
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
  /** PromQL over the store (or the metrics backend): what alert rules and the query API ask. */
  readonly promql: PromqlBackend;
  /**
   * Rolls up every complete bucket past each tier's watermark, as of `now` (idempotent; resumes where a crash
   * stopped it); answers the watermarks. With a remote backend there is nothing to roll up.
   */
  rollup(now?: number): Promise<Record<RollupTier, number | undefined>>;
  /**
   * Deletes, per tier, what is older than its retention at `now` — raw chunks, then 5-minute and 1-hour blocks —
   * but nothing the next tier has not rolled up yet; answers how many chunks or blocks of each. With a remote
   * backend, whose retention is its own, deletes nothing.
   */
  prune(now?: number): Promise<TierRetention>;
  /** Appends one scrape of Estate's own registry (`job="estate"`); answers how many samples were stored. */
  selfScrape(now?: number): Promise<number>;
}

/** How often the store's grown heads are written into their chunks (ADR 0017). */
const CHECKPOINT_EVERY_MS = 60_000;
/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often Estate scrapes its own registry. */
const SELF_SCRAPE_EVERY_MS = 30_000;
/** How often the rollup job runs: once per 5-minute bucket. */
const ROLLUP_EVERY_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** Builds the metrics module: over the shared store, or over the metrics backend when one is configured. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const now = options.now ?? Date.now;
  const days = options.retentionDays;
  const retention: TierRetention = { raw: days.raw * DAY_MS, '5m': days['5m'] * DAY_MS, '1h': days['1h'] * DAY_MS };
  let store: MetricStore;
  let embedded: EmbeddedMetricStore | undefined;
  let promql: PromqlBackend;
  let metadata: MetricMetadataStore | undefined;
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
    embedded = new EmbeddedMetricStore(options.db as Kysely<MetricsTables>, {
      now,
      rollups: { serializedWrites: options.dialect === 'sqlite' },
    });
    store = embedded;
    const engine = new PromqlEngine(new StoreSeriesSource(embedded), {
      rollupRetention: { rawMs: retention.raw, fiveMinuteMs: retention['5m'], now },
    });
    metadata = new MetricMetadataStore(options.db as Kysely<MetricsTables>, now);
    promql = new EmbeddedPromql(store, engine, metadata);
  }
  const sink = new StoreSink(store);
  // The rollup job checkpoints the store first: it reads raw chunks.
  const rollup = async (at = now()): Promise<Record<RollupTier, number | undefined>> =>
    embedded ? embedded.rollups.run({ now: at }) : { '5m': undefined, '1h': undefined };
  const prune = async (at = now()): Promise<TierRetention> =>
    embedded ? embedded.rollups.prune(at, retention, (cutoff) => sink.prune(cutoff)) : { raw: 0, '5m': 0, '1h': 0 };
  const registry = options.registry;
  const selfScrape = async (at = now()): Promise<number> => {
    if (!registry) return 0;
    const scraped = selfScrapeSamples(await registry.metrics(), at);
    const result = await store.append(scraped.samples);
    await metadata?.record(scraped.metadata);
    return result.appended;
  };
  return {
    name: 'metrics',
    store,
    sink,
    promql,
    rollup,
    prune,
    selfScrape,
    // A checkpoint on a clean stop, when this process wrote samples: the next start has no log to replay. A process
    // that wrote none (a CLI command) takes no write lock on its way out.
    async close() {
      if (embedded?.holdsUnwritten()) await embedded.flush();
    },
    routes(http) {
      registerPrometheusApiRoutes(http, promql);
      registerRemoteWriteRoute(http, store, { rawRetentionDays: days.raw, registry: options.registry, metadata });
    },
    schedules(scheduler) {
      if (registry) scheduler.every('metrics.self-scrape', SELF_SCRAPE_EVERY_MS, selfScrape);
      if (!embedded) return;
      const local = embedded;
      scheduler.every('metrics.rollup', ROLLUP_EVERY_MS, rollup);
      scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
      // Appends checkpoint every 64 calls; this writes the heads of a quiet store too, for other processes to read.
      scheduler.every('metrics.checkpoint', CHECKPOINT_EVERY_MS, () => local.flush());
    },
  };
}
