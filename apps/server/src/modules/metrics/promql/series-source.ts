/*
 * Where the PromQL engine reads series from. The embedded store and remote stores implement it; the in-memory
 * implementation below is the test double.
 */
import type { MatchOp } from './ast';
import { compileAnchored } from './literals';
import type { RollupField, RollupTier } from './rollup-plan';
import type { StoredSeries } from './stored-series';

export interface SeriesMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/**
 * One series: its labels (the metric name as `__name__`) and samples in time order, [ms, value]. Stale markers
 * (Prometheus' NaN 0x7ff0000000000002, "this series ended") are reported in `stale` as timestamps: V8 does not
 * promise to keep a NaN's payload bits through arrays, so the bit pattern cannot be trusted once decoded.
 */
export interface SeriesData {
  labels: Record<string, string>;
  samples: Array<[t: number, v: number]>;
  stale?: number[];
}

export interface SeriesSource {
  /** The series every matcher matches (a missing label is ""), with their samples in [startMs, endMs]. */
  select(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<SeriesData[]>;
  /**
   * Optional: the series every matcher matches, with one sample per bucket of `tier` — its `field`, at the bucket's
   * end (at the time of its newest sample for `last`) — for samples in [startMs, endMs]. Sources without rollups
   * leave it out and `auto` range queries read raw samples.
   */
  selectRollup?(matchers: SeriesMatcher[], startMs: number, endMs: number, tier: RollupTier, field: RollupField): Promise<SeriesData[]>;
  /**
   * Optional: as `select`, already in the evaluator's shape (typed arrays, a stale mask), for a source that can
   * decode into it without an array per sample. The engine prefers it.
   */
  selectStored?(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<StoredSeries[]>;
}

/** Builds a predicate over label sets from Prometheus matchers. */
export function labelPredicate(matchers: SeriesMatcher[]): (labels: Record<string, string>) => boolean {
  const tests = matchers.map((m) => {
    const re = m.op === '=~' || m.op === '!~' ? compileAnchored(m.value) : undefined;
    return (labels: Record<string, string>) => {
      const v = labels[m.name] ?? '';
      switch (m.op) {
        case '=':
          return v === m.value;
        case '!=':
          return v !== m.value;
        case '=~':
          return (re as RegExp).test(v);
        case '!~':
          return !(re as RegExp).test(v);
      }
    };
  });
  return (labels) => tests.every((t) => t(labels));
}

/** Series held in memory; samples must be in time order. */
export class InMemorySeriesSource implements SeriesSource {
  constructor(private readonly series: SeriesData[]) {}

  async select(matchers: SeriesMatcher[], startMs: number, endMs: number): Promise<SeriesData[]> {
    const matches = labelPredicate(matchers);
    return this.series
      .filter((s) => matches(s.labels))
      .map((s) => ({
        labels: { ...s.labels },
        samples: s.samples.filter(([t]) => t >= startMs && t <= endMs),
        stale: (s.stale ?? []).filter((t) => t >= startMs && t <= endMs),
      }))
      .filter((s) => s.samples.length > 0 || s.stale.length > 0);
  }
}
