/*
 * Metrics: the metric store agents' samples are written to (under node_exporter's names) and queried from,
 * with PromQL over Prometheus' HTTP API; 5-minute and 1-hour rollups, each tier with its retention (ADR 0018).
 * Other modules use it through this file only.
 */
import type { Kysely } from 'kysely';
import type { EstateModule } from '../../platform/module/estate-module';
import { type MetricSink, StoreSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';
import { registerPrometheusApiRoutes } from './prometheus-api.routes';
import { PromqlEngine } from './promql/engine';
import { EmbeddedMetricStore } from './store/embedded-metric-store';
import type { TierRetention } from './store/metric-rollups';
import type { RollupTier } from './store/metric-store';
import { StoreSeriesSource } from './store-series-source';

export { AGENT_JOB, AGENT_SERIES_NAMES, storedMetricName } from './agent-series-names';
export { type MetricSink, type SampleSource, type SeriesBatch, toMetricSamples } from './metric-sink';
export type { MetricsTables } from './metrics.tables';
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
export { EmbeddedMetricStore };

/** What the metrics module is built from. */
export interface MetricsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  /** Days each tier keeps: raw samples, 5-minute and 1-hour rollups. */
  retentionDays: { raw: number; '5m': number; '1h': number };
  /** The clock of the rollup job and pruning (tests). */
  now?: () => number;
}

/** The metrics module: the store, the sink reports are written to, and the pruning of samples past the retention. */
export interface MetricsModule extends EstateModule {
  /** The embedded metric store (ADR 0017), over the primary database: written by the sink, read by PromQL. */
  readonly store: EmbeddedMetricStore;
  readonly sink: MetricSink;
  /**
   * Rolls up every complete bucket past each tier's watermark, as of `now` (idempotent; resumes where a crash
   * stopped it); answers the watermarks.
   */
  rollup(now?: number): Promise<Record<RollupTier, number | undefined>>;
  /**
   * Deletes, per tier, what is older than its retention at `now` — raw chunks, then 5-minute and 1-hour blocks —
   * but nothing the next tier has not rolled up yet; answers how many chunks or blocks of each.
   */
  prune(now?: number): Promise<TierRetention>;
}

/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often the rollup job runs: once per 5-minute bucket. */
const ROLLUP_EVERY_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** Builds the metrics module over the shared store. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const now = options.now ?? Date.now;
  const store = new EmbeddedMetricStore(options.db as Kysely<MetricsTables>, { now });
  const sink = new StoreSink(store);
  const days = options.retentionDays;
  const retention: TierRetention = { raw: days.raw * DAY_MS, '5m': days['5m'] * DAY_MS, '1h': days['1h'] * DAY_MS };
  const engine = new PromqlEngine(new StoreSeriesSource(store), {
    rollupRetention: { rawMs: retention.raw, fiveMinuteMs: retention['5m'], now },
  });
  const rollup = (at = now()) => store.rollups.run({ now: at });
  const prune = (at = now()) => store.rollups.prune(at, retention, (cutoff) => sink.prune(cutoff));
  return {
    name: 'metrics',
    store,
    sink,
    rollup,
    prune,
    routes(http) {
      registerPrometheusApiRoutes(http, store, engine);
    },
    schedules(scheduler) {
      scheduler.every('metrics.rollup', ROLLUP_EVERY_MS, rollup);
      scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
    },
  };
}
