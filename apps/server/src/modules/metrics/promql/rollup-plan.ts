/*
 * The `auto` resolution of range queries (ADR 0018): selectors whose answer a rollup tier gives exactly (or, for
 * counters and instant selectors, from each bucket's last sample) are rewritten to read that tier's buckets as
 * samples; anything else reads raw samples. The rewritten query is evaluated as any other.
 */
import type { Binary, Call, Expr, MatrixSelector, VectorSelector } from './ast';

/** How a range query reads series: `raw` samples (exact, what Prometheus answers) or `auto` (rollups where they fit). */
export type Resolution = 'raw' | 'auto';
/** A rollup tier: 5-minute or 1-hour buckets. */
export type RollupTier = '5m' | '1h';
/** The aggregate of each bucket read as a sample: `last` at the time of the bucket's newest sample, the others at its end. */
export type RollupField = 'min' | 'max' | 'sum' | 'count' | 'last';

/** What a rewritten selector reads. */
export interface RollupRead {
  tier: RollupTier;
  field: RollupField;
}

/** How long the raw and 5-minute tiers keep data, to read a coarser tier where the finer one is gone. */
export interface RollupRetention {
  rawMs: number;
  fiveMinuteMs: number;
  now: () => number;
}

/** The query a plan is made for. */
export interface PlanContext {
  startMs: number;
  endMs: number;
  stepMs: number;
  lookbackMs: number;
  retention?: RollupRetention;
}

/** The tiers, coarsest first, with their bucket sizes in ms. */
const TIERS: ReadonlyArray<readonly [RollupTier, number]> = [
  ['1h', 3_600_000],
  ['5m', 300_000],
];

/**
 * Range functions a tier can answer. `exact`: a window of whole buckets gives the raw answer (the bucket field,
 * read by `as`, or avg as sum over count). `last`: read from each bucket's newest sample — an approximation
 * (a counter reset inside a bucket that climbs past the value before it is not seen; irate and deriv see fewer points).
 */
const RANGE_FUNCTIONS: Readonly<Record<string, { kind: 'exact' | 'last'; field?: RollupField; as?: string }>> = {
  max_over_time: { kind: 'exact', field: 'max' },
  min_over_time: { kind: 'exact', field: 'min' },
  sum_over_time: { kind: 'exact', field: 'sum' },
  count_over_time: { kind: 'exact', field: 'count', as: 'sum_over_time' },
  avg_over_time: { kind: 'exact' },
  last_over_time: { kind: 'last' },
  rate: { kind: 'last' },
  increase: { kind: 'last' },
  irate: { kind: 'last' },
  delta: { kind: 'last' },
  deriv: { kind: 'last' },
};

const unparen = (e: Expr | undefined): Expr | undefined => {
  let x = e;
  while (x?.kind === 'paren') x = x.expr;
  return x;
};

/**
 * Plans the `auto` resolution of a range query: answers the expression to evaluate, whose rewritten selectors
 * (new objects) read the tiers in `reads`. A selector reads a tier when the step is at least a bucket and its window
 * fits the buckets (exact functions: a multiple of the bucket, at an offset that is one; `last` functions: two
 * buckets or more), or when its whole span is older than the finer tiers keep. With an `@` modifier, inside a
 * subquery or under any other function, it reads raw samples.
 */
export function planRollups(expr: Expr, ctx: PlanContext): { expr: Expr; reads: Map<VectorSelector, RollupRead> } {
  const reads = new Map<VectorSelector, RollupRead>();
  const read = (sel: VectorSelector, tier: RollupTier, field: RollupField): VectorSelector => {
    const copy: VectorSelector = { ...sel };
    reads.set(copy, { tier, field });
    return copy;
  };
  const tierFor = (sel: VectorSelector, kind: 'exact' | 'last' | 'instant', rangeMs: number): RollupTier | undefined => {
    if (sel.at) return undefined;
    for (const [tier, size] of TIERS) {
      if (ctx.stepMs < size) continue;
      if (kind === 'exact' && (rangeMs % size !== 0 || sel.offsetMs % size !== 0)) continue;
      if (kind === 'last' && rangeMs < 2 * size) continue;
      return tier;
    }
    const retention = ctx.retention;
    if (!retention) return undefined;
    const now = retention.now();
    const newest = ctx.endMs - sel.offsetMs;
    const oldest = ctx.startMs - sel.offsetMs - (kind === 'instant' ? ctx.lookbackMs : rangeMs);
    if (newest >= now - retention.rawMs) return undefined;
    return oldest >= now - retention.fiveMinuteMs ? '5m' : '1h';
  };
  const rangeCall = (e: Call, m: MatrixSelector): Expr | undefined => {
    const spec = RANGE_FUNCTIONS[e.func];
    if (!spec) return undefined;
    const tier = tierFor(m.selector, spec.kind, m.rangeMs);
    if (!tier) return undefined;
    const over = (func: string, field: RollupField): Call => ({
      kind: 'call',
      func,
      args: [{ ...m, selector: read(m.selector, tier, field) }],
    });
    if (spec.kind === 'last') return over(e.func, 'last');
    if (spec.field) return over(spec.as ?? e.func, spec.field);
    const avg: Binary = {
      kind: 'binary',
      op: '/',
      lhs: over('sum_over_time', 'sum'),
      rhs: over('sum_over_time', 'count'),
      returnBool: false,
      matching: { on: false, labels: [], card: 'one-to-one', include: [] },
    };
    return avg;
  };
  const visit = (e: Expr): Expr => {
    switch (e.kind) {
      case 'vectorSelector': {
        const tier = tierFor(e, 'instant', 0);
        return tier ? read(e, tier, 'last') : e;
      }
      case 'call': {
        const m = unparen(e.args[0]);
        if (e.args.length === 1 && m?.kind === 'matrixSelector') return rangeCall(e, m) ?? e;
        return { ...e, args: e.args.map(visit) };
      }
      case 'aggregate':
        return { ...e, expr: visit(e.expr), ...(e.param ? { param: visit(e.param) } : {}) };
      case 'binary':
        return { ...e, lhs: visit(e.lhs), rhs: visit(e.rhs) };
      case 'unary':
      case 'paren':
        return { ...e, expr: visit(e.expr) };
      default:
        // Matrix selectors under other functions, subqueries and literals read raw samples.
        return e;
    }
  };
  return { expr: visit(expr), reads };
}
