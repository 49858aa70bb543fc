/*
 * Wall-clock arithmetic in a schedule's zone, and the one place that decides what a wall-clock time that a DST change
 * skips or repeats means. The rules are GoAlert's, as written down in target/goalert#1252 ("Rules regarding DST are
 * now well defined"), so schedules moved from GoAlert hand off where their users expect:
 * - a handoff, or the start of a restriction window, at a repeated (ambiguous) wall-clock time happens at its first
 *   occurrence, before the clocks are set back ("first of day");
 * - the end of a restriction window at a repeated time happens at its second occurrence, after the clocks are set
 *   back ("last of day"), so a window never loses the repeated hour;
 * - a wall-clock time that a spring-forward skips happens at the instant the clocks jump to (02:30 in a 02:00→03:00
 *   jump is 03:00 local), which is what Temporal's `compatible` and `later` both give for a gap;
 * - handoffs stay at the wall-clock time, so a 1-day turn across spring-forward lasts 23 h and across fall-back 25 h,
 *   and hourly rotations stay aligned to the wall clock (a 2-hour rotation hands off on even hours even after a DST
 *   change), so the turn holding the change is shorter or longer by the change (30 min on Lord Howe Island).
 */
import { Temporal } from 'temporal-polyfill';

/** Which occurrence of a repeated wall-clock time to take: the first (starts, handoffs) or the last (ends). */
export type WallClockEdge = 'start' | 'end';

/** The instant (epoch ms) of a wall-clock date-time in `timeZone`, read by the rules above. */
export function instantOf(local: Temporal.PlainDateTime, timeZone: string, edge: WallClockEdge): number {
  return local.toZonedDateTime(timeZone, { disambiguation: edge === 'start' ? 'compatible' : 'later' }).epochMilliseconds;
}

/** The wall-clock date-time in `timeZone` at an instant (epoch ms). */
export function wallClockAt(at: number, timeZone: string): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone).toPlainDateTime();
}

/** Whether Temporal knows `timeZone` as an IANA zone (or UTC offset). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses `HH:MM` (24-hour), or returns null. */
export function parseTimeOfDay(text: string): Temporal.PlainTime | null {
  return TIME_OF_DAY.test(text) ? Temporal.PlainTime.from(text) : null;
}

/** Parses `YYYY-MM-DD` as a real calendar date, or returns null. */
export function parseCalendarDate(text: string): Temporal.PlainDate | null {
  if (!CALENDAR_DATE.test(text)) return null;
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' });
  } catch {
    return null;
  }
}
