/*
 * Functions over range vectors (rate, increase, *_over_time, …): each takes one series' points in the window
 * and answers a value, or undefined for no output, exactly as Prometheus' functions.go does.
 */

/** The window a range vector was selected over, in ms: (start, end]. */
export interface RangeWindow {
  startMs: number;
  endMs: number;
  rangeMs: number;
}

type Points = Array<[number, number]>;

/** Prometheus' extrapolatedRate: rate, increase and delta, extrapolated towards the window's edges. */
export function extrapolatedRate(points: Points, window: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const t = new Float64Array(points.length);
  const v = new Float64Array(points.length);
  points.forEach(([pt, pv], i) => {
    t[i] = pt;
    v[i] = pv;
  });
  return extrapolatedRateOf(t, v, 0, points.length - 1, window, isCounter, isRate);
}

/**
 * extrapolatedRate over samples lo..hi (inclusive) of a series held as arrays of times and values: what a range query
 * runs per series and step, without building the window's points. `noResets` says no value in the window is below
 * the one before it.
 */
export function extrapolatedRateOf(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  lo: number,
  hi: number,
  window: RangeWindow,
  isCounter: boolean,
  isRate: boolean,
  noResets = false,
): number | undefined {
  const count = hi - lo + 1;
  if (count < 2) return undefined;
  const firstT = t[lo] as number;
  const firstV = v[lo] as number;
  const lastT = t[hi] as number;
  let result = (v[hi] as number) - firstV;
  // A caller that knows no value in the window is below the one before it (a counter reset) skips the search.
  if (isCounter && !noResets) {
    let previous = 0;
    for (let i = lo; i <= hi; i++) {
      const value = v[i] as number;
      if (value < previous) result += previous;
      previous = value;
    }
  }
  let durationToStart = (firstT - window.startMs) / 1000;
  let durationToEnd = (window.endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetweenSamples = sampledInterval / (count - 1);
  const threshold = averageBetweenSamples * 1.1;
  let extrapolateTo = sampledInterval;
  if (durationToStart >= threshold) durationToStart = averageBetweenSamples / 2;
  if (isCounter && result > 0 && firstV >= 0) {
    // A counter cannot go below zero: do not extrapolate past the point where it would have been zero.
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  extrapolateTo += durationToStart;
  if (durationToEnd >= threshold) durationToEnd = averageBetweenSamples / 2;
  extrapolateTo += durationToEnd;
  let factor = extrapolateTo / sampledInterval;
  if (isRate) factor /= window.rangeMs / 1000;
  return result * factor;
}

/** irate (isRate) and idelta: from the last two points only. */
export function instantValue(points: Points, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const [prevT, prevV] = points[points.length - 2]!;
  const [lastT, lastV] = points[points.length - 1]!;
  let result = isRate && lastV < prevV ? lastV : lastV - prevV;
  if (isRate) {
    const interval = lastT - prevT;
    if (interval === 0) return undefined;
    result /= interval / 1000;
  }
  return result;
}

/** Least-squares slope and intercept of the points, x in seconds relative to interceptMs. */
export function linearRegression(points: Points, interceptMs: number): { slope: number; intercept: number } {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumX2 = 0;
  let constY = true;
  const initY = points[0]![1];
  for (const [t, v] of points) {
    if (constY && v !== initY) constY = false;
    const x = (t - interceptMs) / 1000;
    n += 1;
    sumY += v;
    sumX += x;
    sumXY += x * v;
    sumX2 += x * x;
  }
  if (constY && Number.isFinite(initY)) return { slope: 0, intercept: initY };
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return { slope, intercept: sumY / n - (slope * sumX) / n };
}

/** Prometheus' quantile: linear interpolation between the closest ranks; NaN for no values. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...values].sort((a, b) => (Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a - b));
  const rank = q * (sorted.length - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/** Population variance (Welford), as stdvar and stdvar_over_time. */
export function variance(values: number[]): number {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
  }
  return m2 / count;
}

/** Sum with Kahan compensation, as Prometheus sums. */
export function kahanSum(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return Number.isFinite(sum) ? sum + c : sum;
}

/** The *_over_time functions over one series' values (never empty). */
export const OVER_TIME: Readonly<Record<string, (values: number[]) => number>> = {
  avg_over_time: (vs) => mean(vs),
  min_over_time: (vs) => vs.reduce((m, v) => (v < m || Number.isNaN(m) ? v : m)),
  max_over_time: (vs) => vs.reduce((m, v) => (v > m || Number.isNaN(m) ? v : m)),
  sum_over_time: (vs) => kahanSum(vs),
  count_over_time: (vs) => vs.length,
  last_over_time: (vs) => vs[vs.length - 1]!,
  stddev_over_time: (vs) => Math.sqrt(variance(vs)),
  stdvar_over_time: (vs) => variance(vs),
};

export function mean(values: number[]): number {
  const sum = kahanSum(values);
  if (Number.isFinite(sum) || values.some((v) => !Number.isFinite(v))) return sum / values.length;
  // Finite values whose sum overflows: the incremental mean Prometheus falls back to.
  let m = 0;
  values.forEach((v, i) => {
    m += v / (i + 1) - m / (i + 1);
  });
  return m;
}
