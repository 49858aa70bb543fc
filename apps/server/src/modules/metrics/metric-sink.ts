import type { Kysely } from 'kysely';
import { type SampleSource, toStoredSeries } from './agent-series-names';
import type { AppendResult, MetricSample, MetricStore } from './store/metric-store';

export type { SampleSource } from './agent-series-names';

/** One series of a batch: a metric name, its labels and its points as `[epoch ms, value]`. */
export interface SeriesBatch {
  name: string;
  labels?: Record<string, string> | undefined;
  points: ReadonlyArray<readonly [number, number]>;
}

/** Where reported metric samples go. The agents module writes through it and never touches the store's tables. */
export interface MetricSink {
  /**
   * Appends samples reported by `source` (an agent, with the host name and CI that label its series), in `executor`
   * — the caller's open transaction, so samples are stored exactly when the report's receipt is. Each (series, time)
   * is stored once: a resent batch adds nothing. Answers how many samples were new.
   */
  append(
    // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
    executor: Kysely<any>,
    source: SampleSource,
    series: readonly SeriesBatch[],
  ): Promise<number>;
  /**
   * The transaction samples were appended in rolled back: whatever the store holds in memory from it is dropped
   * (the embedded store reads its heads back from the database), so a sample never acknowledged is never stored.
   */
  discard(): void;
  /** Deletes samples older than `before` (epoch ms), a chunk at a time; answers how many chunks. */
  prune(before: number): Promise<number>;
}

/** A batch's samples as the store takes them: node_exporter names and the identifying labels (agent-series-names.ts). */
export function toMetricSamples(source: SampleSource, series: readonly SeriesBatch[]): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const s of toStoredSeries(source, series)) for (const [t, v] of s.points) samples.push({ labels: s.labels, t, v });
  return samples;
}

/** A store that can append within the caller's transaction and prune by age: the embedded one (ADR 0017). */
export interface TransactionalMetricStore extends MetricStore {
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
  appendWithin(executor: Kysely<any>, samples: readonly MetricSample[]): Promise<AppendResult>;
  deleteBefore(cutoff: number): Promise<number>;
  /** Writes what the store holds in memory to its tables (a checkpoint). */
  flush(): Promise<void>;
  /** Drops what the store holds in memory; it is read back from its tables (and log) by the next use. */
  forgetHeads(): void;
}

const isTransactional = (store: MetricStore): store is TransactionalMetricStore =>
  typeof (store as Partial<TransactionalMetricStore>).appendWithin === 'function';

/**
 * The sink over the metric store: agents' series under Prometheus-style names. A sample the store refuses (out of
 * order, another value at a stored time) is not counted; a resent batch is all duplicates and counts nothing.
 * The embedded store writes within the report's transaction. Any other store (the remote backend, ADR 0019) is
 * written before the report commits and resolves once the backend acknowledged: when it fails, the report fails,
 * and the agent keeps the batch and sends it again. Its retention is the backend's, so `prune` deletes nothing.
 */
export class StoreSink implements MetricSink {
  constructor(private readonly store: MetricStore | TransactionalMetricStore) {}

  async append(
    // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
    executor: Kysely<any>,
    source: SampleSource,
    series: readonly SeriesBatch[],
  ): Promise<number> {
    const samples = toMetricSamples(source, series);
    if (samples.length === 0) return 0;
    const result = isTransactional(this.store) ? await this.store.appendWithin(executor, samples) : await this.store.append(samples);
    return result.appended;
  }

  discard(): void {
    if (isTransactional(this.store)) this.store.forgetHeads();
  }

  /**
   * Deletes the embedded store's raw chunks past the cutoff, after a checkpoint has written the grown heads; a remote
   * backend keeps its own retention.
   */
  async prune(before: number): Promise<number> {
    if (!isTransactional(this.store)) return 0;
    await this.store.flush();
    return this.store.deleteBefore(before);
  }
}
