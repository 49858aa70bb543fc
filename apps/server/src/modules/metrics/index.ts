/*
 * Metrics: where reported samples are stored and, in the next issue, queried (PromQL, rollups, retention tiers).
 * Other modules use it through this file only.
 */
import type { Kysely } from 'kysely';
import type { EstateModule } from '../../platform/module/estate-module';
import { type MetricSink, SampleTableSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';

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
}

/** The metrics module: the sink reports are written to, and the pruning of samples past the retention. */
export interface MetricsModule extends EstateModule {
  readonly sink: MetricSink;
  /** Deletes samples older than the retention at `now`; answers how many. */
  prune(now?: number): Promise<number>;
}

/** How often samples past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Builds the metrics module over the shared store. */
export function createMetricsModule(options: MetricsModuleOptions): MetricsModule {
  const sink = new SampleTableSink(options.db as Kysely<MetricsTables>);
  const prune = (now = Date.now()) => sink.prune(now - options.sampleRetentionDays * 86_400_000);
  return {
    name: 'metrics',
    sink,
    prune,
    schedules(scheduler) {
      scheduler.every('metrics.prune-samples', PRUNE_EVERY_MS, prune);
    },
  };
}
