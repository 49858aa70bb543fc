/*
 * rate, increase and delta of a selector's series at every step of a range query at once. Stepping query time by
 * query time would search each series' samples for every window's edges; walking each series once with two cursors
 * moving forward finds them all in one pass over its samples, as Prometheus evaluates range functions series by
 * series.
 */
import { reducerOf } from './aggregate';
import { extrapolatedRate, extrapolatedRateOf, type RangeWindow } from './range-functions';
import type { StoredSeries } from './stored-series';
import { type Labels, labelsKey, withoutName } from './values';

/** The steps a range query evaluates at: startMs, startMs + stepMs, … up to endMs. */
export interface StepGrid {
  startMs: number;
  stepMs: number;
  count: number;
}

/** One series' answers at every step: `present[k]` says whether step k has one (a window needs two samples). */
export interface SweptSeries {
  labels: Labels;
  values: Float64Array;
  present: Uint8Array;
}

export interface Sweep {
  series: SweptSeries[];
  /** No two series share their labels once the name is dropped, so no step's answer can hold a repeated label set. */
  unique: boolean;
}

/** What the window at each step is: its end (by `@` and offset) and length, and whether it includes its start. */
export interface SweepWindow {
  endAt: (t: number) => number;
  rangeMs: number;
  closed: boolean;
}

/** Index of the step whose time is t, or -1 when t is not one of the grid's steps. */
export function stepIndex(grid: StepGrid, t: number): number {
  const k = (t - grid.startMs) / grid.stepMs;
  return Number.isInteger(k) && k >= 0 && k < grid.count ? k : -1;
}

/**
 * rate, increase or delta over samples lo..hi of a series, read straight from its arrays, unless a stale marker falls
 * inside the window (then the samples are copied out, without it).
 */
export function windowRate(
  s: StoredSeries,
  lo: number,
  hi: number,
  window: RangeWindow,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (!s.stale?.subarray(lo, hi + 1).includes(1)) return extrapolatedRateOf(s.t, s.v, lo, hi, window, isCounter, isRate);
  const points: Array<[number, number]> = [];
  for (let i = lo; i <= hi; i++) if (s.stale[i] !== 1) points.push([s.t[i] as number, s.v[i] as number]);
  return extrapolatedRate(points, window, isCounter, isRate);
}

/** rate (isCounter, isRate), increase (isCounter) or delta of every series at every step of the grid. */
export function sweepRate(all: readonly StoredSeries[], grid: StepGrid, window: SweepWindow, isCounter: boolean, isRate: boolean): Sweep {
  const out: SweptSeries[] = [];
  const ends = new Float64Array(grid.count);
  for (let k = 0; k < grid.count; k++) ends[k] = window.endAt(grid.startMs + k * grid.stepMs);
  // Windows move forward with the steps unless `@` pins them; cursors only work for windows that never go back.
  let forward = true;
  for (let k = 1; k < grid.count; k++) if ((ends[k] as number) < (ends[k - 1] as number)) forward = false;
  const seen = new Set<string>();
  let unique = true;
  const bounds: RangeWindow = { startMs: 0, endMs: 0, rangeMs: window.rangeMs };
  for (const s of all) {
    const n = s.t.length;
    // Running counts of counter resets (a value below the one before it) and of stale markers, so that a window
    // without either — almost every one — is known to be so without looking at its samples.
    const resets = isCounter ? resetCounts(s.v) : null;
    const marks = s.stale ? markCounts(s.stale) : null;
    const values = new Float64Array(grid.count);
    const present = new Uint8Array(grid.count);
    let lo = 0;
    let hi = -1;
    let any = false;
    for (let k = 0; k < grid.count; k++) {
      const end = ends[k] as number;
      const start = end - window.rangeMs;
      if (!forward) {
        lo = 0;
        hi = -1;
      }
      // hi: the last sample at or before the end; lo: the first inside the window.
      while (hi + 1 < n && (s.t[hi + 1] as number) <= end) hi++;
      while (lo < n && (window.closed ? (s.t[lo] as number) < start : (s.t[lo] as number) <= start)) lo++;
      if (hi - lo < 1) continue;
      bounds.startMs = start;
      bounds.endMs = end;
      const clean = !marks || marks[hi] === (lo > 0 ? marks[lo - 1] : 0);
      const value = clean
        ? extrapolatedRateOf(s.t, s.v, lo, hi, bounds, isCounter, isRate, resets !== null && resets[hi] === resets[lo])
        : windowRate(s, lo, hi, bounds, isCounter, isRate);
      if (value === undefined) continue;
      values[k] = value;
      present[k] = 1;
      any = true;
    }
    if (!any) continue;
    const labels = withoutName(s.labels);
    const key = labelsKey(labels);
    if (seen.has(key)) unique = false;
    seen.add(key);
    out.push({ labels, values, present });
  }
  return { series: out, unique };
}

/** counts[i]: how many values at 1..i are below the one before them (counter resets). */
function resetCounts(v: Float64Array): Int32Array {
  const counts = new Int32Array(v.length);
  let c = 0;
  for (let i = 1; i < v.length; i++) {
    if ((v[i] as number) < (v[i - 1] as number)) c++;
    counts[i] = c;
  }
  return counts;
}

/** counts[i]: how many of marks 0..i are set (stale markers). */
function markCounts(marks: Uint8Array): Int32Array {
  const counts = new Int32Array(marks.length);
  let c = 0;
  for (let i = 0; i < marks.length; i++) {
    c += marks[i] as number;
    counts[i] = c;
  }
  return counts;
}

/** One group's answers at every step of the grid. */
export interface SweptGroup {
  labels: Labels;
  values: Float64Array;
  present: Uint8Array;
}

/**
 * An aggregation without a parameter (sum, avg, count, …: `op`) of a sweep, at every step: each group's members
 * are the sweep's series with an answer at that step, in the sweep's order, so every step reduces the same values
 * in the same order as aggregating that step's vector would. `groupOf` names a series' group labels.
 */
export function sweepAggregate(sweep: Sweep, grid: StepGrid, groupOf: (labels: Labels) => Labels, op: string): SweptGroup[] {
  const groups = new Map<string, { labels: Labels; members: SweptSeries[] }>();
  for (const s of sweep.series) {
    const labels = groupOf(s.labels);
    const key = labelsKey(labels);
    const group = groups.get(key);
    if (group) group.members.push(s);
    else groups.set(key, { labels, members: [s] });
  }
  const out: SweptGroup[] = [];
  const reduce = reducerOf(op);
  if (!reduce) throw new Error(`${op} is not an aggregation without a parameter`);
  if (op === 'sum') {
    for (const { labels, members } of groups.values()) out.push(sumAtEveryStep(labels, members, grid.count));
    return out;
  }
  const values: number[] = [];
  for (const { labels, members } of groups.values()) {
    const answers = new Float64Array(grid.count);
    const present = new Uint8Array(grid.count);
    for (let k = 0; k < grid.count; k++) {
      values.length = 0;
      for (const m of members) if (m.present[k] === 1) values.push(m.values[k] as number);
      if (values.length === 0) continue;
      answers[k] = reduce(values);
      present[k] = 1;
    }
    out.push({ labels, values: answers, present });
  }
  return out;
}

/**
 * sum's Kahan summation at every step at once, member by member (each member's answers read in order), with a running
 * sum and compensation per step: the same additions in the same order as kahanSum over each step's values.
 */
function sumAtEveryStep(labels: Labels, members: readonly SweptSeries[], count: number): SweptGroup {
  const sum = new Float64Array(count);
  const c = new Float64Array(count);
  const present = new Uint8Array(count);
  for (const m of members) {
    for (let k = 0; k < count; k++) {
      if (m.present[k] !== 1) continue;
      const v = m.values[k] as number;
      const s = sum[k] as number;
      const t = s + v;
      if (Math.abs(s) >= Math.abs(v)) c[k] = (c[k] as number) + (s - t + v);
      else c[k] = (c[k] as number) + (v - t + s);
      sum[k] = t;
      present[k] = 1;
    }
  }
  for (let k = 0; k < count; k++) {
    const s = sum[k] as number;
    if (Number.isFinite(s)) sum[k] = s + (c[k] as number);
  }
  return { labels, values: sum, present };
}
