/*
 * The step-wise PromQL evaluator: given every selector's series already fetched, it evaluates an expression at
 * one time without I/O. Semantics follow Prometheus (see engine.ts).
 */

import { aggregate, groupingSignature, groupLabels, reducerOf } from './aggregate';
import type { Aggregate, AtModifier, Binary, Call, Expr, MatrixSelector, Subquery, VectorSelector } from './ast';
import { scalarBinary, vectorBinary, vectorScalarBinary } from './binary';
import { PromqlError } from './errors';
import { extrapolatedRate, instantValue, linearRegression, OVER_TIME, quantile, type RangeWindow } from './range-functions';
import {
  type StepGrid,
  type Sweep,
  type SweptGroup,
  type SweptSeries,
  stepIndex,
  sweepAggregate,
  sweepRate,
  windowRate,
} from './range-sweep';
import { absentLabels, lastAtOrBefore, type StoredSeries } from './stored-series';
import { assertUniqueLabelSets, labelsKey, type Sample, type Series, type Value, withoutName } from './values';
import { histogramQuantile, labelJoin, labelReplace, MATH, mapValues, roundTo, sortByValue } from './vector-functions';

/** What an evaluation needs besides the data: the query's span and the engine's settings. */
export interface EvaluationContext {
  startMs: number;
  endMs: number;
  /** Step of subqueries that name none: the evaluation interval, not the range query's step (as Prometheus). */
  subqueryStepMs: number;
  lookbackMs: number;
  closed: boolean;
  /** When the query must have finished, by `clock`. */
  deadline: number;
  clock: () => number;
  /** A range query's steps (absent for an instant query): functions that can answer every step at once do. */
  grid?: StepGrid;
}

/** rate, increase and delta: [isCounter, isRate]. */
const RATE_KINDS: Readonly<Record<string, readonly [boolean, boolean]>> = {
  rate: [true, true],
  increase: [true, false],
  delta: [false, false],
};

const NAME_KEEPING_FUNCTIONS = new Set(['last_over_time']);

/** One query's evaluation over its fetched series; `eval(expr, t)` answers the value at time t. */
export class Evaluation {
  /** rate, increase and delta of a selector at every step of the grid, worked out on the first step asked. */
  private readonly sweeps = new Map<MatrixSelector, Map<string, Sweep>>();
  /** Aggregations of such sweeps at every step (null: the aggregation is not of that shape). */
  private readonly groupSweeps = new Map<Aggregate, SweptGroup[] | null>();

  constructor(
    private readonly data: Map<VectorSelector, StoredSeries[]>,
    private readonly ctx: EvaluationContext,
  ) {}

  private atMs(at: AtModifier | undefined, t: number): number {
    if (!at) return t;
    return at.kind === 'start' ? this.ctx.startMs : at.kind === 'end' ? this.ctx.endMs : at.ms;
  }

  /** Throws Prometheus' timeout error once the query has run past its deadline. */
  checkDeadline(): void {
    if (this.ctx.clock() > this.ctx.deadline) throw new PromqlError('query timed out in expression evaluation', 'timeout');
  }

  private inWindow(t: number, start: number): boolean {
    return this.ctx.closed ? t >= start : t > start;
  }

  eval(e: Expr, t: number): Value {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', v: e.value };
      case 'string':
        return { type: 'string', v: e.value };
      case 'paren':
        return this.eval(e.expr, t);
      case 'vectorSelector':
        return { type: 'vector', v: this.instantSelect(e, t) };
      case 'matrixSelector':
      case 'subquery':
        return { type: 'matrix', v: this.rangeSelect(e, t).series };
      case 'unary': {
        const inner = this.eval(e.expr, t);
        if (e.op === '+') return inner;
        if (inner.type === 'scalar') return { type: 'scalar', v: -inner.v };
        const v = mapValues(this.vector(inner), (x) => -x);
        assertUniqueLabelSets(v);
        return { type: 'vector', v };
      }
      case 'binary':
        return this.binary(e, t);
      case 'aggregate':
        return { type: 'vector', v: this.aggregate(e, t) };
      case 'call':
        return this.call(e, t);
    }
  }

  private vector(v: Value): Sample[] {
    if (v.type !== 'vector') throw new PromqlError(`expected instant vector, got ${v.type}`, 'execution');
    return v.v;
  }

  private scalar(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.type !== 'scalar') throw new PromqlError(`expected scalar, got ${v.type}`, 'execution');
    return v.v;
  }

  private string(e: Expr, t: number): string {
    const v = this.eval(e, t);
    if (v.type !== 'string') throw new PromqlError(`expected string, got ${v.type}`, 'execution');
    return v.v;
  }

  /** The selector's samples at t; with `sampleTime`, each sample's own time in seconds instead of its value. */
  private instantSelect(sel: VectorSelector, t: number, sampleTime = false): Sample[] {
    const ref = this.atMs(sel.at, t) - sel.offsetMs;
    const out: Sample[] = [];
    for (const series of this.data.get(sel) ?? []) {
      const i = lastAtOrBefore(series.t, ref);
      if (i < 0) continue;
      const st = series.t[i] as number;
      const sv = series.v[i] as number;
      if (!this.inWindow(st, ref - this.ctx.lookbackMs) || series.stale?.[i] === 1) continue;
      out.push({ labels: series.labels, v: sampleTime ? st / 1000 : sv });
    }
    return out;
  }

  /**
   * rate, increase or delta of a selector's series at t. At a step of a range query the answers for every step are
   * worked out at once (range-sweep.ts) and read back; elsewhere the window's samples are found by binary search and
   * never copied out, unless a stale marker falls inside it (then they are, without it). `unique` says the answer
   * cannot hold one label set twice.
   */
  private rateOverSelector(e: MatrixSelector, t: number, isCounter: boolean, isRate: boolean): { v: Sample[]; unique: boolean } {
    const sel = e.selector;
    const grid = this.ctx.grid;
    const k = grid ? stepIndex(grid, t) : -1;
    if (grid && k >= 0) {
      const sweep = this.sweep(e, grid, isCounter, isRate);
      const v: Sample[] = [];
      for (const s of sweep.series) if (s.present[k] === 1) v.push({ labels: s.labels, v: s.values[k] as number });
      return { v, unique: sweep.unique };
    }
    const end = this.atMs(sel.at, t) - sel.offsetMs;
    const start = end - e.rangeMs;
    const window: RangeWindow = { startMs: start, endMs: end, rangeMs: e.rangeMs };
    const out: Sample[] = [];
    for (const s of this.data.get(sel) ?? []) {
      const hi = lastAtOrBefore(s.t, end);
      const lo = this.ctx.closed ? lastAtOrBefore(s.t, start - 1) + 1 : lastAtOrBefore(s.t, start) + 1;
      if (hi - lo < 1) continue;
      const value = windowRate(s, lo, hi, window, isCounter, isRate);
      if (value !== undefined) out.push({ labels: withoutName(s.labels), v: value });
    }
    return { v: out, unique: false };
  }

  /** rate, increase or delta of a selector at every step of the grid, worked out once. */
  private sweep(e: MatrixSelector, grid: StepGrid, isCounter: boolean, isRate: boolean): Sweep {
    const fn = `${isCounter}${isRate}`;
    let bySelector = this.sweeps.get(e);
    if (!bySelector) {
      bySelector = new Map();
      this.sweeps.set(e, bySelector);
    }
    let sweep = bySelector.get(fn);
    if (!sweep) {
      this.checkDeadline();
      const sel = e.selector;
      const window = { endAt: (at: number) => this.atMs(sel.at, at) - sel.offsetMs, rangeMs: e.rangeMs, closed: this.ctx.closed };
      sweep = sweepRate(this.data.get(sel) ?? [], grid, window, isCounter, isRate);
      bySelector.set(fn, sweep);
    }
    return sweep;
  }

  /**
   * Every step's answer of `expr` at once, for the shapes range-sweep.ts answers whole: rate, increase or delta of a
   * selector, and aggregations without a parameter of them. Undefined for any other expression, for an instant
   * query, and where a step's answer could repeat a label set (that must fail at the step it happens).
   */
  wholeRange(expr: Expr): SweptSeries[] | undefined {
    const grid = this.ctx.grid;
    // Whole milliseconds only: then step k's time is exactly the time the step-by-step loop reaches.
    if (!grid || !Number.isInteger(grid.startMs) || !Number.isInteger(grid.stepMs)) return undefined;
    let e = expr;
    while (e.kind === 'paren') e = e.expr;
    if (e.kind === 'aggregate') return this.groupSweep(e, grid) ?? undefined;
    const sweep = this.rateSweepOf(e, grid);
    return sweep?.unique ? sweep.series : undefined;
  }

  /** The sweep of a call to rate, increase or delta of a selector; undefined for any other expression. */
  private rateSweepOf(e: Expr, grid: StepGrid): Sweep | undefined {
    if (e.kind !== 'call' || !Object.hasOwn(RATE_KINDS, e.func)) return undefined;
    let range = e.args[0];
    while (range?.kind === 'paren') range = range.expr;
    if (range?.kind !== 'matrixSelector') return undefined;
    const [isCounter, isRate] = RATE_KINDS[e.func] as readonly [boolean, boolean];
    return this.sweep(range, grid, isCounter, isRate);
  }

  /** An aggregation without a parameter of a rate sweep, at every step, worked out once; null for any other. */
  private groupSweep(e: Aggregate, grid: StepGrid): SweptGroup[] | null {
    let cached = this.groupSweeps.get(e);
    if (cached === undefined) {
      cached = null;
      const reducible = !e.param && reducerOf(e.op) !== undefined;
      let inner = e.expr;
      while (inner.kind === 'paren') inner = inner.expr;
      const sweep = reducible ? this.rateSweepOf(inner, grid) : undefined;
      if (sweep?.unique) {
        const signature = groupingSignature(e);
        cached = sweepAggregate(sweep, grid, (l) => groupLabels(l, e.grouping, e.without, signature), e.op);
      }
      this.groupSweeps.set(e, cached);
    }
    return cached;
  }

  /** A range vector at t, with the window rate() and friends extrapolate to. */
  private rangeSelect(e: MatrixSelector | Subquery, t: number): { series: Series[]; window: RangeWindow } {
    if (e.kind === 'matrixSelector') {
      const sel = e.selector;
      const end = this.atMs(sel.at, t) - sel.offsetMs;
      const start = end - e.rangeMs;
      const series: Series[] = [];
      for (const s of this.data.get(sel) ?? []) {
        const points: Array<[number, number]> = [];
        // Binary search for the window's edges: a range query steps over the same samples many times.
        const last = lastAtOrBefore(s.t, end);
        let i = this.ctx.closed ? lastAtOrBefore(s.t, start - 1) + 1 : lastAtOrBefore(s.t, start) + 1;
        for (; i <= last; i++) if (s.stale?.[i] !== 1) points.push([s.t[i] as number, s.v[i] as number]);
        if (points.length > 0) series.push({ labels: s.labels, points });
      }
      return { series, window: { startMs: start, endMs: end, rangeMs: e.rangeMs } };
    }
    const end = this.atMs(e.at, t) - e.offsetMs;
    const start = end - e.rangeMs;
    const step = e.stepMs ?? this.ctx.subqueryStepMs;
    let first = Math.ceil(start / step) * step;
    if (!this.inWindow(first, start)) first += step;
    const bySeries = new Map<string, Series>();
    for (let at = first; at <= end; at += step) {
      this.checkDeadline();
      for (const s of this.vector(this.eval(e.expr, at))) {
        const key = labelsKey(s.labels);
        let entry = bySeries.get(key);
        if (!entry) {
          entry = { labels: s.labels, points: [] };
          bySeries.set(key, entry);
        }
        entry.points.push([at, s.v]);
      }
    }
    return { series: [...bySeries.values()], window: { startMs: start, endMs: end, rangeMs: e.rangeMs } };
  }

  private binary(e: Binary, t: number): Value {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.type === 'scalar' && r.type === 'scalar') return { type: 'scalar', v: scalarBinary(e, l.v, r.v) };
    let v: Sample[];
    if (l.type === 'scalar') v = vectorScalarBinary(e, this.vector(r), l.v, true);
    else if (r.type === 'scalar') v = vectorScalarBinary(e, this.vector(l), r.v, false);
    else v = vectorBinary(e, this.vector(l), this.vector(r));
    assertUniqueLabelSets(v);
    return { type: 'vector', v };
  }

  private aggregate(e: Aggregate, t: number): Sample[] {
    const grid = this.ctx.grid;
    const k = grid ? stepIndex(grid, t) : -1;
    const swept = grid && k >= 0 ? this.groupSweep(e, grid) : null;
    if (swept) {
      const out: Sample[] = [];
      for (const g of swept) if (g.present[k] === 1) out.push({ labels: g.labels, v: g.values[k] as number });
      return out;
    }
    const param = e.param ? (e.op === 'count_values' ? this.string(e.param, t) : this.scalar(e.param, t)) : undefined;
    return aggregate(e, this.vector(this.eval(e.expr, t)), param);
  }

  private call(e: Call, t: number): Value {
    const fn = e.func;
    const arg = (i: number): Expr => {
      const a = e.args[i];
      if (!a) throw new PromqlError(`missing argument ${i + 1} in call to ${fn}`);
      return a;
    };
    const vector = (v: Sample[]): Value => {
      assertUniqueLabelSets(v);
      return { type: 'vector', v };
    };
    const rangeArg = (i: number) => {
      let range = arg(i);
      while (range.kind === 'paren') range = range.expr;
      if (range.kind !== 'matrixSelector' && range.kind !== 'subquery') {
        throw new PromqlError(`expected a range vector in call to ${fn}`);
      }
      return this.rangeSelect(range, t);
    };
    const perSeries = (i: number, f: (points: Array<[number, number]>, window: RangeWindow) => number | undefined) => {
      const { series, window } = rangeArg(i);
      const out: Sample[] = [];
      for (const s of series) {
        const v = f(s.points, window);
        if (v !== undefined) {
          out.push({ labels: NAME_KEEPING_FUNCTIONS.has(fn) ? s.labels : withoutName(s.labels), v });
        }
      }
      return vector(out);
    };
    const values = (points: Array<[number, number]>) => points.map(([, v]) => v);
    switch (fn) {
      case 'rate':
      case 'increase':
      case 'delta': {
        const [isCounter, isRate] = RATE_KINDS[fn] as readonly [boolean, boolean];
        let range = arg(0);
        while (range.kind === 'paren') range = range.expr;
        if (range.kind === 'matrixSelector') {
          const { v, unique } = this.rateOverSelector(range, t, isCounter, isRate);
          return unique ? { type: 'vector', v } : vector(v);
        }
        return perSeries(0, (p, w) => extrapolatedRate(p, w, isCounter, isRate));
      }
      case 'irate':
        return perSeries(0, (p) => instantValue(p, true));
      case 'idelta':
        return perSeries(0, (p) => instantValue(p, false));
      case 'deriv':
        return perSeries(0, (p) => (p.length < 2 ? undefined : linearRegression(p, p[0]![0]).slope));
      case 'predict_linear': {
        const seconds = this.scalar(arg(1), t);
        return perSeries(0, (p) => {
          if (p.length < 2) return undefined;
          const { slope, intercept } = linearRegression(p, t);
          return slope * seconds + intercept;
        });
      }
      case 'quantile_over_time': {
        const q = this.scalar(arg(0), t);
        return perSeries(1, (p) => quantile(q, values(p)));
      }
      case 'time':
        return { type: 'scalar', v: t / 1000 };
      case 'timestamp': {
        // Of a selector, each sample's own time; of anything else, the evaluation time (as Prometheus answers).
        let inner = arg(0);
        while (inner.kind === 'paren') inner = inner.expr;
        const samples =
          inner.kind === 'vectorSelector'
            ? this.instantSelect(inner, t, true)
            : mapValues(this.vector(this.eval(inner, t)), () => t / 1000);
        return vector(samples.map((s) => ({ labels: withoutName(s.labels), v: s.v })));
      }
      case 'vector':
        return vector([{ labels: {}, v: this.scalar(arg(0), t) }]);
      case 'scalar': {
        const v = this.vector(this.eval(arg(0), t));
        return { type: 'scalar', v: v.length === 1 ? v[0]!.v : Number.NaN };
      }
      case 'absent': {
        const v = this.vector(this.eval(arg(0), t));
        return v.length > 0 ? vector([]) : vector([{ labels: absentLabels(arg(0)), v: 1 }]);
      }
      case 'round': {
        const to = e.args.length > 1 ? this.scalar(arg(1), t) : 1;
        return vector(mapValues(this.vector(this.eval(arg(0), t)), (v) => roundTo(v, to)));
      }
      case 'clamp': {
        const min = this.scalar(arg(1), t);
        const max = this.scalar(arg(2), t);
        if (max < min) return vector([]);
        return vector(mapValues(this.vector(this.eval(arg(0), t)), (v) => Math.max(min, Math.min(max, v))));
      }
      case 'clamp_min': {
        const min = this.scalar(arg(1), t);
        return vector(mapValues(this.vector(this.eval(arg(0), t)), (v) => Math.max(min, v)));
      }
      case 'clamp_max': {
        const max = this.scalar(arg(1), t);
        return vector(mapValues(this.vector(this.eval(arg(0), t)), (v) => Math.min(max, v)));
      }
      case 'histogram_quantile':
        return vector(histogramQuantile(this.scalar(arg(0), t), this.vector(this.eval(arg(1), t))));
      case 'label_replace': {
        const [, dst, replacement, src, regex] = e.args.map((a, i) => (i === 0 ? '' : this.string(a, t)));
        return vector(labelReplace(this.vector(this.eval(arg(0), t)), dst!, replacement!, src!, regex!));
      }
      case 'label_join': {
        const [, dst, separator, ...sources] = e.args.map((a, i) => (i === 0 ? '' : this.string(a, t)));
        return vector(labelJoin(this.vector(this.eval(arg(0), t)), dst!, separator!, sources));
      }
      case 'sort':
      case 'sort_desc':
        return { type: 'vector', v: sortByValue(this.vector(this.eval(arg(0), t)), fn === 'sort_desc') };
    }
    if (fn in OVER_TIME) return perSeries(0, (p) => OVER_TIME[fn]!(values(p)));
    if (fn in MATH) return vector(mapValues(this.vector(this.eval(arg(0), t)), MATH[fn]!));
    throw new PromqlError(`unsupported PromQL function: ${fn}()`);
  }
}
