/*
 * Series as the evaluator holds them once fetched, what each selector fetches, and the small searches over them.
 */
import type { AtModifier, Expr, VectorSelector } from './ast';
import type { SeriesData } from './series-source';
import { isStaleNaN, type Labels } from './values';

/**
 * A series as the evaluator reads it: times (ms) and values in time order, in typed arrays (a long range query holds
 * millions of samples), and which are stale markers (null when none is).
 */
export interface StoredSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
  stale: Uint8Array | null;
}

/** A fetched series with its stale markers merged back into the samples, in time order. */
export function withStaleMarkers(s: SeriesData): StoredSeries {
  const marks = s.stale ?? [];
  const n = s.samples.length;
  const t = new Float64Array(n + marks.length);
  const v = new Float64Array(n + marks.length);
  let stale: Uint8Array | null = null;
  // The store reports a marker's time in `stale` and keeps the sample too (as a NaN whose bits JavaScript may have
  // quietened): a marker time that is also a sample's marks that sample; one that is not is added.
  const markTimes = new Set(marks);
  let k = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const [st, sv] = s.samples[i] as [number, number];
    t[k] = st;
    v[k] = sv;
    if (k > 0 && (t[k - 1] as number) > st) sorted = false;
    if (markTimes.delete(st) || (Number.isNaN(sv) && isStaleNaN(sv))) {
      stale ??= new Uint8Array(t.length);
      stale[k] = 1;
    }
    k++;
  }
  for (const mt of markTimes) {
    t[k] = mt;
    v[k] = Number.NaN;
    stale ??= new Uint8Array(t.length);
    stale[k] = 1;
    k++;
    sorted = false;
  }
  if (sorted) return { labels: s.labels, t: t.subarray(0, k), v: v.subarray(0, k), stale: stale ? stale.subarray(0, k) : null };
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => (t[a] as number) - (t[b] as number));
  const st = new Float64Array(k);
  const sv = new Float64Array(k);
  const ss = stale ? new Uint8Array(k) : null;
  order.forEach((from, to) => {
    st[to] = t[from] as number;
    sv[to] = v[from] as number;
    if (ss && stale) ss[to] = stale[from] as number;
  });
  return { labels: s.labels, t: st, v: sv, stale: ss };
}

/** Index of the last time at or before t, or -1. */
export function lastAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** absent()'s labels: those of the argument's equality matchers, unless a name is matched twice. */
export function absentLabels(arg: Expr): Labels {
  let e = arg;
  while (e.kind === 'paren') e = e.expr;
  if (e.kind !== 'vectorSelector') return {};
  const labels: Labels = {};
  const repeated = new Set<string>();
  for (const m of e.matchers) {
    if (m.name === '__name__') continue;
    if (m.name in labels || repeated.has(m.name)) {
      delete labels[m.name];
      repeated.add(m.name);
    } else if (m.op === '=') {
      labels[m.name] = m.value;
    }
  }
  return labels;
}

/**
 * The span [lo, hi] (epoch ms) each selector of `expr` must be fetched over for an evaluation from startMs to endMs:
 * back by the lookback (instant selectors) or the range, shifted by offsets, moved by `@`, widened by subqueries.
 */
export function selectorSpans(expr: Expr, startMs: number, endMs: number, lookbackMs: number): Map<VectorSelector, [number, number]> {
  const spans = new Map<VectorSelector, [number, number]>();
  const atTime = (at: AtModifier | undefined, lo: number, hi: number): [number, number] =>
    !at ? [lo, hi] : at.kind === 'start' ? [startMs, startMs] : at.kind === 'end' ? [endMs, endMs] : [at.ms, at.ms];
  const widen = (sel: VectorSelector, lo: number, hi: number, backMs: number) => {
    const [a, b] = atTime(sel.at, lo, hi);
    const span: [number, number] = [a - sel.offsetMs - backMs, b - sel.offsetMs];
    const known = spans.get(sel);
    spans.set(sel, known ? [Math.min(known[0], span[0]), Math.max(known[1], span[1])] : span);
  };
  const walk = (e: Expr, lo: number, hi: number): void => {
    if (e.kind === 'vectorSelector') widen(e, lo, hi, lookbackMs);
    else if (e.kind === 'matrixSelector') widen(e.selector, lo, hi, e.rangeMs);
    else if (e.kind === 'subquery') {
      const [a, b] = atTime(e.at, lo, hi);
      walk(e.expr, a - e.offsetMs - e.rangeMs, b - e.offsetMs);
    } else if (e.kind === 'call') for (const arg of e.args) walk(arg, lo, hi);
    else if (e.kind === 'aggregate') {
      if (e.param) walk(e.param, lo, hi);
      walk(e.expr, lo, hi);
    } else if (e.kind === 'binary') {
      walk(e.lhs, lo, hi);
      walk(e.rhs, lo, hi);
    } else if (e.kind === 'unary' || e.kind === 'paren') walk(e.expr, lo, hi);
  };
  walk(expr, startMs, endMs);
  return spans;
}
