import type { CheckState, UptimePeriod } from '@estate/contract';

/** One state change, as the history table holds it. */
export interface StateChangeAt {
  at: number;
  state: CheckState;
}

/**
 * A check's uptime over [from, to), exactly, from its state changes: `changes` must hold every change in the period
 * and the last one before it (the state the period starts in), in time order. Time before the first change is not
 * counted at all (the check did not exist or had not run). The ratio is up and degraded time over the time the
 * state was known (up, degraded or down); unknown time counts for neither. `incidents` counts entries into down.
 */
export function uptimeOver(changes: readonly StateChangeAt[], from: number, to: number, label: string): UptimePeriod {
  const spent: Record<CheckState, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  let incidents = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i] as StateChangeAt;
    const start = Math.max(change.at, from);
    const end = Math.min(changes[i + 1]?.at ?? to, to);
    if (end > start) spent[change.state] += end - start;
    if (change.state === 'down' && change.at >= from && change.at < to && changes[i - 1]?.state !== 'down') incidents++;
  }
  const known = spent.up + spent.degraded + spent.down;
  return {
    label,
    from,
    to,
    ratio: known === 0 ? null : (spent.up + spent.degraded) / known,
    upMs: spent.up,
    degradedMs: spent.degraded,
    downMs: spent.down,
    unknownMs: spent.unknown,
    incidents,
  };
}

const DAY_MS = 86_400_000;

/** The standard periods ending at `now`. */
export const UPTIME_PERIODS: ReadonlyArray<{ label: string; ms: number }> = [
  { label: '24h', ms: DAY_MS },
  { label: '7d', ms: 7 * DAY_MS },
  { label: '30d', ms: 30 * DAY_MS },
  { label: '90d', ms: 90 * DAY_MS },
];

/** The most days {@link dailyUptime} splits a period into. */
export const MAX_UPTIME_DAYS = 366;

/**
 * Uptime per UTC day over [from, to): the days it touches, the first and last cut to the period (empty when it
 * spans more than {@link MAX_UPTIME_DAYS}). `changes` as for {@link uptimeOver}. One pass over the changes.
 */
export function dailyUptime(changes: readonly StateChangeAt[], from: number, to: number): UptimePeriod[] {
  const firstDay = Math.floor(from / DAY_MS) * DAY_MS;
  if ((to - firstDay) / DAY_MS > MAX_UPTIME_DAYS) return [];
  const days: UptimePeriod[] = [];
  let i = 0;
  for (let day = firstDay; day < to; day += DAY_MS) {
    const start = Math.max(day, from);
    const end = Math.min(day + DAY_MS, to);
    // The changes that matter for this day: the last one before it and those within it.
    while (i + 1 < changes.length && (changes[i + 1] as StateChangeAt).at <= start) i++;
    let j = i;
    while (j < changes.length && (changes[j] as StateChangeAt).at < end) j++;
    days.push(uptimeOver(changes.slice(i, j), start, end, new Date(day).toISOString().slice(0, 10)));
  }
  return days;
}

/** Where the last `days` UTC days up to `now` begin, today included: what uptime bars cover. */
export function lastDaysFrom(now: number, days: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
}
