/** The most points a graph asks for per series: enough for a smooth line on a wide screen, few enough to draw fast. */
export const MAX_GRAPH_POINTS = 500;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps a person reads at a glance, smallest first; past the last one, whole days. */
const NICE_STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/**
 * The resolution step of a range query over `rangeMs`, in milliseconds: the smallest round step (1s, 10s, 1m, 5m…,
 * then whole days) at which the range has at most `maxPoints` points, both ends included. Never below one second.
 */
export function chooseStep(rangeMs: number, maxPoints: number = MAX_GRAPH_POINTS): number {
  // n points span n - 1 steps.
  const least = rangeMs / Math.max(1, maxPoints - 1);
  const nice = NICE_STEPS.find((step) => step >= least);
  return nice ?? Math.ceil(least / DAY) * DAY;
}

/** How many points a range query over `rangeMs` at `stepMs` returns per series at most, both ends included. */
export function pointCount(rangeMs: number, stepMs: number): number {
  return Math.floor(rangeMs / stepMs) + 1;
}
