/*
 * When a layer applies: the union of its restriction windows, turned into instants. Window starts and ends follow the
 * DST rules in wall-clock.ts (a window starting at a repeated time starts at its first occurrence; ending at one, ends
 * at its last).
 */
import { Temporal } from 'temporal-polyfill';
import type { Restriction } from './schedule-types';
import { instantOf, wallClockAt } from './wall-clock';

/** A stretch of time `[start, end)` in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/** Days to look back for a window that started before `from` and still runs (a weekly window spans at most 7). */
const LOOKBACK_DAYS = 8;

function windowOn(date: Temporal.PlainDate, restriction: Restriction, timeZone: string): Interval | null {
  const start = Temporal.PlainTime.from(restriction.start);
  const end = Temporal.PlainTime.from(restriction.end);
  let days: number;
  if (restriction.kind === 'daily') {
    if (restriction.days && restriction.days.length > 0 && !(restriction.days as readonly number[]).includes(date.dayOfWeek)) {
      return null;
    }
    days = Temporal.PlainTime.compare(end, start) <= 0 ? 1 : 0;
  } else {
    if (date.dayOfWeek !== restriction.startDay) return null;
    days = (restriction.endDay - restriction.startDay + 7) % 7;
    if (days === 0 && Temporal.PlainTime.compare(end, start) <= 0) days = 7;
  }
  const window = {
    start: instantOf(date.toPlainDateTime(start), timeZone, 'start'),
    end: instantOf(date.add({ days }).toPlainDateTime(end), timeZone, 'end'),
  };
  // A window lying wholly inside a skipped hour has no time in it.
  return window.end > window.start ? window : null;
}

/** Sorts intervals and joins those that overlap or touch. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

/**
 * The instants within `[from, to)` that fall in at least one of the (valid) restriction windows, as sorted, disjoint
 * intervals. With no restrictions, the whole of `[from, to)`.
 */
export function restrictionWindows(
  restrictions: readonly Restriction[] | undefined,
  timeZone: string,
  from: number,
  to: number,
): Interval[] {
  if (from >= to) return [];
  if (!restrictions || restrictions.length === 0) return [{ start: from, end: to }];
  const windows: Interval[] = [];
  const last = wallClockAt(to, timeZone).toPlainDate();
  for (let date = wallClockAt(from, timeZone).toPlainDate().subtract({ days: LOOKBACK_DAYS }); ; ) {
    if (Temporal.PlainDate.compare(date, last) > 0) break;
    for (const restriction of restrictions) {
      const window = windowOn(date, restriction, timeZone);
      if (window && window.end > from && window.start < to) {
        windows.push({ start: Math.max(window.start, from), end: Math.min(window.end, to) });
      }
    }
    date = date.add({ days: 1 });
  }
  return mergeIntervals(windows);
}
