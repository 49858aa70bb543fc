/** The agent's collection interval in seconds: no graph needs points closer than this. */
export const AGENT_INTERVAL_SECONDS = 30;

/** The most points a graph asks for; the step grows with the range so that a month draws as fast as an hour. */
export const MAX_POINTS = 500;

/** The range presets of the range picker, by key. */
export const RANGE_PRESETS = [
  { key: '1h', label: '1 h', seconds: 3_600 },
  { key: '6h', label: '6 h', seconds: 6 * 3_600 },
  { key: '24h', label: '24 h', seconds: 86_400 },
  { key: '7d', label: '7 d', seconds: 7 * 86_400 },
  { key: '30d', label: '30 d', seconds: 30 * 86_400 },
] as const;

/** A preset's key. */
export type RangePresetKey = (typeof RANGE_PRESETS)[number]['key'];

/** What the range picker chose: the last `preset` up to now, or a fixed span in epoch seconds. */
export type MetricsRange = { kind: 'preset'; preset: RangePresetKey } | { kind: 'custom'; from: number; to: number };

/** A range resolved to absolute times: what one set of range queries asks for, all in seconds. */
export interface ResolvedRange {
  start: number;
  end: number;
  step: number;
}

// Steps a person recognises on a time axis, from the agent's interval up to a day.
const NICE_STEPS = [30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400];

/**
 * The step (seconds) of a range query over `rangeSeconds`: the smallest nice step that keeps the graph at or under
 * `maxPoints` points, never finer than the agent's interval. Beyond a day per point, whole days.
 */
export function chooseStep(rangeSeconds: number, maxPoints = MAX_POINTS): number {
  const finest = Math.max(rangeSeconds / maxPoints, AGENT_INTERVAL_SECONDS);
  const nice = NICE_STEPS.find((step) => step >= finest);
  return nice ?? Math.ceil(finest / 86_400) * 86_400;
}

/**
 * The window of `rate()` at this step: at least three agent intervals, so every window holds two samples or more
 * even when one report is late, and at least the step, so that no sample falls between two windows.
 */
export function rateWindow(stepSeconds: number): number {
  return Math.max(stepSeconds, 3 * AGENT_INTERVAL_SECONDS);
}

/**
 * Resolves a picked range against the clock (epoch ms): a preset ends now, to the second; a custom span starts up to
 * one step early so that its last point falls on its end.
 */
export function resolveRange(range: MetricsRange, nowMs: number): ResolvedRange {
  if (range.kind === 'custom') {
    const step = chooseStep(Math.max(range.to - range.from, 1));
    // Evaluation times run from start in steps; a start a whole number of steps before the end puts the last one
    // at the end itself, so the newest samples show however coarse the step.
    return { start: range.to - Math.ceil((range.to - range.from) / step) * step, end: range.to, step };
  }
  const seconds = RANGE_PRESETS.find((preset) => preset.key === range.preset)?.seconds ?? 3_600;
  const step = chooseStep(seconds);
  const end = Math.floor(nowMs / 1000);
  return { start: end - seconds, end, step };
}

/** A duration in seconds as PromQL writes it, in its largest whole unit: 90 → "90s", 300 → "5m", 7200 → "2h". */
export function promDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Math.ceil(seconds)}s`;
}
