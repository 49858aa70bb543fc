/**
 * The metric store's interface: Prometheus-shaped series (a metric name in `__name__` plus labels) with float samples
 * at epoch-millisecond timestamps. The embedded implementation keeps them in the primary database; a Prometheus
 * remote_write implementation follows the same interface.
 */

/** One sample to append: the series' labels (`__name__` included), an integer time in epoch ms and a value. */
export interface MetricSample {
  labels: Readonly<Record<string, string>>;
  t: number;
  v: number;
  /**
   * The sample is Prometheus' stale marker (the series ended). Say so here: the marker is a signalling NaN whose bits
   * JavaScript may change once the number has been in an array. A `v` with the marker's exact bits counts too.
   */
  stale?: boolean;
}

/**
 * Samples in columns, for a caller that has many at once (remote_write), with no object per sample: sample i has the
 * labels `labels[i]` (one object shared by every sample of a series), the time `t[i]` and value `v[i]`, and is the
 * stale marker when `stale[i]` is 1.
 */
export interface SampleColumns {
  length: number;
  labels: ReadonlyArray<Readonly<Record<string, string>>>;
  t: Float64Array;
  v: Float64Array;
  stale: Uint8Array;
}

/** Why a sample was refused. */
export type RejectReason =
  /** Before the series' newest stored sample. */
  | 'out_of_order'
  /** At the time of a stored sample, with another value. */
  | 'duplicate_timestamp'
  /** A new series past the cap on series. */
  | 'too_many_series'
  /** A series with more labels than the cap. */
  | 'too_many_labels'
  /** No metric name, an empty label name or a timestamp that is not an integer in range. */
  | 'invalid';

/** What an append did: samples stored, exact duplicates ignored, and each refused sample by its index in the call. */
export interface AppendResult {
  appended: number;
  /** Samples equal to a stored one (same time, same value bits): ignored, as a resent batch should be. */
  duplicates: number;
  rejected: Array<{ index: number; reason: RejectReason; message: string }>;
}

/** A label matcher, with Prometheus' semantics: a label that is absent matches as the empty string. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A series and its samples in a range, as `[t, v]` in time order. */
export interface SeriesSamples {
  labels: Record<string, string>;
  samples: Array<[t: number, v: number]>;
  /**
   * The times of the samples that are Prometheus' stale marker (the NaN 0x7ff0000000000002), which are also in
   * `samples` as a NaN: a NaN's payload bits do not survive a JS array, so they are reported here.
   */
  stale?: number[];
}

/** A rollup tier: 5-minute buckets computed from raw samples, 1-hour buckets from 5-minute ones. */
export type RollupTier = '5m' | '1h';

/**
 * The aggregates of one series' samples in a right-closed bucket (t - size, t] of a tier. Stale markers are not
 * samples: they are left out.
 */
export interface RollupBucket {
  /** The bucket's end, epoch ms: a multiple of the tier's size. */
  t: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  /** The newest sample's value, and its time (epoch ms). */
  last: number;
  lastT: number;
}

/** A series and its buckets of one tier, in time order. */
export interface SeriesRollup {
  labels: Record<string, string>;
  buckets: RollupBucket[];
}

/** A query the store refuses: a bad or too long regular expression, or matchers that would select every series. */
export class MetricQueryError extends Error {
  override readonly name = 'MetricQueryError';
}

/** Where metric samples are kept and read back. */
export interface MetricStore {
  /**
   * Appends samples. When it resolves, the appended samples are durable (they survive a crash of the process).
   * Bad samples are reported in the result, never thrown; a storage failure rejects and stores none of the call.
   */
  append(samples: readonly MetricSample[]): Promise<AppendResult>;
  /** As `append`, for samples in columns; a refused sample is named by its index in them. Optional: a faster path. */
  appendColumns?(samples: SampleColumns): Promise<AppendResult>;
  /** The series matching every matcher, with their samples in [start, end] (epoch ms, inclusive). */
  select(matchers: readonly LabelMatcher[], start: number, end: number): Promise<SeriesSamples[]>;
  /**
   * The series matching every matcher, with their buckets of `tier` that end in [start, end] (epoch ms). Complete:
   * buckets the rollup job has not reached yet are computed from raw samples as they are read, so a bucket looks
   * the same before and after it is rolled up.
   */
  selectRollup?(matchers: readonly LabelMatcher[], start: number, end: number, tier: RollupTier): Promise<SeriesRollup[]>;
  /** Label names, sorted; of the matching series only when matchers are given. */
  labelNames(matchers?: readonly LabelMatcher[]): Promise<string[]>;
  /** Values of one label, sorted; of the matching series only when matchers are given. */
  labelValues(name: string, matchers?: readonly LabelMatcher[]): Promise<string[]>;
  /** Deletes the matching series and all their samples; answers how many series. */
  deleteSeries(matchers: readonly LabelMatcher[]): Promise<number>;
}
