/*
 * The PromQL evaluator over a SeriesSource. A query first fetches, once, every series its selectors can touch
 * over the whole query range, then evaluates step by step without I/O. Semantics follow Prometheus: a 5-minute
 * lookback for instant selectors, stale markers ending a series, left-open range windows (Prometheus 3; set
 * closedRanges for 2.x), extrapolated rate, vector matching, and the API's result shapes.
 */

import type { Expr, VectorSelector } from './ast';
import { PromqlError } from './errors';
import { Evaluation } from './evaluation';
import { type MatrixRow, matrixJson } from './matrix-json';
import { parsePromql, typeOf } from './parse';
import type { StepGrid, SweptSeries } from './range-sweep';
import { planRollups, type Resolution, type RollupRead, type RollupRetention } from './rollup-plan';
import type { SeriesSource } from './series-source';
import { type StoredSeries, selectorSpans, withStaleMarkers } from './stored-series';
import { compareLabels, formatFloat, type Labels, labelsKey } from './values';

export interface PromqlEngineOptions {
  /** How far back an instant selector looks for a sample (Prometheus: 5 minutes). */
  lookbackDeltaMs?: number;
  /** Step of subqueries without one (Prometheus: the global evaluation interval, 1 minute), in instant and range queries alike. */
  defaultSubqueryStepMs?: number;
  /** Prometheus 2.x closed windows [t-range, t] instead of Prometheus 3's (t-range, t]. */
  closedRanges?: boolean;
  /** Most points a range query may answer per series (Prometheus: 11,000). */
  maxPointsPerSeries?: number;
  /** Most samples one query may load (Prometheus' --query.max-samples: 50,000,000). */
  maxSamples?: number;
  /** What the raw and 5-minute tiers keep: `auto` range queries older than that read a coarser tier (ADR 0018). */
  rollupRetention?: RollupRetention;
  /** Longest a query may evaluate, in ms (Prometheus' --query.timeout: 2 minutes). */
  timeoutMs?: number;
  /** The clock the timeout is measured by. */
  clock?: () => number;
}

/** Answers worked out for every step at once, as a range query's matrix rows sorted by labels; series without a point left out. */
function wholeRows(series: readonly SweptSeries[], grid: StepGrid): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const s of [...series].sort((a, b) => compareLabels(a.labels, b.labels))) {
    const times: number[] = [];
    const values: number[] = [];
    for (let k = 0; k < grid.count; k++) {
      if (s.present[k] === 1) {
        times.push(grid.startMs + k * grid.stepMs);
        values.push(s.values[k] as number);
      }
    }
    if (times.length > 0) rows.push({ metric: s.labels, times, values });
  }
  return rows;
}

/** A query result in the shape of Prometheus' HTTP API `data`. */
export type PromqlResult =
  | { resultType: 'vector'; result: Array<{ metric: Labels; value: [number, string] }> }
  | { resultType: 'matrix'; result: Array<{ metric: Labels; values: Array<[number, string]> }> }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

const point = (ms: number, v: number): [number, string] => [ms / 1000, formatFloat(v)];

/** Query texts whose parse is kept: alert rules ask the same few thousand again every interval. */
const PARSED_KEPT = 20_000;

/** Freezes a parsed expression, so one shared by many evaluations can never be changed by one of them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class PromqlEngine {
  private readonly lookbackMs: number;
  private readonly defaultStepMs: number;
  private readonly closed: boolean;
  private readonly maxPoints: number;
  private readonly maxSamples: number;
  private readonly rollupRetention: RollupRetention | undefined;
  private readonly timeoutMs: number;
  private readonly clock: () => number;
  /** Parsed query texts, oldest use first; a text that does not parse is not kept. */
  private readonly parsed = new Map<string, Expr>();

  constructor(
    private readonly source: SeriesSource,
    options: PromqlEngineOptions = {},
  ) {
    this.lookbackMs = options.lookbackDeltaMs ?? 300_000;
    this.defaultStepMs = options.defaultSubqueryStepMs ?? 60_000;
    this.closed = options.closedRanges ?? false;
    this.maxPoints = options.maxPointsPerSeries ?? 11_000;
    this.maxSamples = options.maxSamples ?? 50_000_000;
    this.rollupRetention = options.rollupRetention;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.clock = options.clock ?? Date.now;
  }

  /** A query's expression: parsed once, and again only after PARSED_KEPT other texts were used since. */
  private parse(query: string | Expr): Expr {
    if (typeof query !== 'string') return query;
    const kept = this.parsed.get(query);
    if (kept) {
      this.parsed.delete(query);
      this.parsed.set(query, kept);
      return kept;
    }
    const expr = deepFreeze(parsePromql(query));
    if (this.parsed.size >= PARSED_KEPT) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(query, expr);
    return expr;
  }

  /** An instant query at timeMs. */
  async evalInstant(query: string | Expr, timeMs: number): Promise<PromqlResult> {
    const expr = this.parse(query);
    const run = await this.prepare(expr, timeMs, timeMs);
    const value = run.eval(expr, timeMs);
    switch (value.type) {
      case 'scalar':
        return { resultType: 'scalar', result: point(timeMs, value.v) };
      case 'string':
        return { resultType: 'string', result: [timeMs / 1000, value.v] };
      case 'vector':
        return {
          resultType: 'vector',
          result: value.v.map((s) => ({ metric: s.labels, value: point(timeMs, s.v) })),
        };
      case 'matrix':
        return {
          resultType: 'matrix',
          result: value.v.map((s) => ({ metric: s.labels, values: s.points.map(([t, v]) => point(t, v)) })),
        };
    }
  }

  /**
   * A range query from startMs to endMs every stepMs: always a matrix, sorted by labels. `auto` resolution reads
   * rollup tiers where they answer the query's functions (rollup-plan.ts) and the source can read them; `raw` (the
   * default) reads raw samples, as Prometheus does.
   */
  async evalRange(
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    resolution: Resolution = 'raw',
  ): Promise<PromqlResult> {
    const rows = await this.rangeRows(query, startMs, endMs, stepMs, resolution);
    return {
      resultType: 'matrix',
      result: rows.map((r) => ({ metric: r.metric, values: Array.from(r.times, (t, i) => point(t, r.values[i] as number)) })),
    };
  }

  /**
   * The same range query's `data` as Prometheus' API writes it, already serialised (matrix-json.ts): a large answer
   * never becomes one array and string per point first.
   */
  async evalRangeJson(
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    resolution: Resolution = 'raw',
  ): Promise<Buffer[]> {
    return matrixJson(await this.rangeRows(query, startMs, endMs, stepMs, resolution));
  }

  /** A range query's answer as matrix rows sorted by labels, each with its step times and values. */
  private async rangeRows(
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    resolution: Resolution,
  ): Promise<MatrixRow[]> {
    const parsed = this.parse(query);
    if (!(stepMs > 0)) throw new PromqlError('zero or negative query resolution step widths are not accepted');
    if (endMs < startMs) throw new PromqlError('end timestamp must not be before start time');
    if ((endMs - startMs) / stepMs + 1 > this.maxPoints) {
      throw new PromqlError(
        `exceeded maximum resolution of ${this.maxPoints} points per timeseries. Try decreasing the query resolution (?step=XX)`,
      );
    }
    const type = typeOf(parsed);
    if (type !== 'vector' && type !== 'scalar') {
      throw new PromqlError(
        `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    const plan =
      resolution === 'auto' && this.source.selectRollup
        ? planRollups(parsed, { startMs, endMs, stepMs, lookbackMs: this.lookbackMs, retention: this.rollupRetention })
        : { expr: parsed, reads: new Map<VectorSelector, RollupRead>() };
    const expr = plan.expr;
    const grid = { startMs, stepMs, count: Math.floor((endMs - startMs) / stepMs) + 1 };
    const run = await this.prepare(expr, startMs, endMs, plan.reads, grid);
    const whole = run.wholeRange(expr);
    if (whole) return wholeRows(whole, grid);
    const series = new Map<string, { labels: Labels; times: number[]; values: number[] }>();
    const byObject = new Map<Labels, { labels: Labels; times: number[]; values: number[] }>();
    for (let t = startMs; t <= endMs; t += stepMs) {
      run.checkDeadline();
      const value = run.eval(expr, t);
      const samples = value.type === 'scalar' ? [{ labels: {}, v: value.v }] : value.type === 'vector' ? value.v : [];
      for (const s of samples) {
        // Most steps answer with the same label objects as the step before: look them up by identity first.
        let entry = byObject.get(s.labels);
        if (!entry) {
          const key = labelsKey(s.labels);
          entry = series.get(key);
          if (!entry) {
            entry = { labels: s.labels, times: [], values: [] };
            series.set(key, entry);
          }
          byObject.set(s.labels, entry);
        }
        entry.times.push(t);
        entry.values.push(s.v);
      }
    }
    return [...series.values()]
      .sort((a, b) => compareLabels(a.labels, b.labels))
      .map((s) => ({ metric: s.labels, times: s.times, values: s.values }));
  }

  /** Fetches every selector's series over the span it can reach, then hands back a synchronous evaluation. */
  private async prepare(
    expr: Expr,
    startMs: number,
    endMs: number,
    reads?: Map<VectorSelector, RollupRead>,
    grid?: StepGrid,
  ): Promise<Evaluation> {
    const deadline = this.clock() + this.timeoutMs;
    const spans = selectorSpans(expr, startMs, endMs, this.lookbackMs);
    const data = new Map<VectorSelector, StoredSeries[]>();
    let loaded = 0;
    await Promise.all(
      [...spans].map(async ([sel, [lo, hi]]) => {
        const read = reads?.get(sel);
        const series =
          read && this.source.selectRollup
            ? (await this.source.selectRollup(sel.matchers, lo, hi, read.tier, read.field)).map(withStaleMarkers)
            : this.source.selectStored
              ? await this.source.selectStored(sel.matchers, lo, hi)
              : (await this.source.select(sel.matchers, lo, hi)).map(withStaleMarkers);
        for (const s of series) loaded += s.t.length;
        if (loaded > this.maxSamples) {
          throw new PromqlError('query processing would load too many samples into memory in query execution', 'execution');
        }
        data.set(sel, series);
      }),
    );
    return new Evaluation(data, {
      startMs,
      endMs,
      subqueryStepMs: this.defaultStepMs,
      lookbackMs: this.lookbackMs,
      closed: this.closed,
      deadline,
      clock: this.clock,
      ...(grid ? { grid } : {}),
    });
  }
}
