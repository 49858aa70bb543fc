/*
 * When a maintenance window holds: a one-off span, or a rule that recurs (daily, on weekdays, on a day of the month)
 * at a wall-clock time in the window's IANA time zone for a fixed duration. Pure; every function takes its moments.
 *
 * Wall-clock times are read as the on-call schedules read them (oncall/wall-clock.ts, Temporal's `compatible`): a
 * start the clocks skip moves forward by the length of the jump (02:30 on a 02:00→03:00 night is 03:30), a start
 * the clocks repeat happens at its first occurrence. The duration is elapsed
 * time, so "Sunday 01:30 for 2 hours" lasts two real hours on the night the clocks change too.
 */
import { Temporal } from 'temporal-polyfill';
import { instantOf, isKnownTimeZone, parseCalendarDate, parseTimeOfDay, wallClockAt } from '../oncall/wall-clock';

/** ISO weekdays, Monday first, as the API spells them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A one-off window: local date-times (`2026-03-29T01:00`) in the window's zone; the end is exclusive. */
export interface OnceSchedule {
  readonly kind: 'once';
  readonly start: string;
  readonly end: string;
}

/** What every recurring rule has: a local start time, a duration and optional first/last local dates. */
interface RecurringBase {
  /** `HH:MM`, 24-hour, in the window's zone. */
  readonly startTime: string;
  readonly durationMinutes: number;
  /** The first date an occurrence may start on (`YYYY-MM-DD`); absent: no limit. */
  readonly from?: string;
  /** The last date an occurrence may start on; absent: recurs without end. */
  readonly until?: string;
}

/** Every day at the start time. */
export interface DailySchedule extends RecurringBase {
  readonly kind: 'daily';
}

/** On the named weekdays at the start time. */
export interface WeeklySchedule extends RecurringBase {
  readonly kind: 'weekly';
  readonly days: readonly Weekday[];
}

/** On a day of each month (1–31; -1 the last day) at the start time; a month without that day is skipped. */
export interface MonthlySchedule extends RecurringBase {
  readonly kind: 'monthly';
  readonly dayOfMonth: number;
}

/** When a maintenance window holds. */
export type MaintenanceSchedule = OnceSchedule | DailySchedule | WeeklySchedule | MonthlySchedule;

/** One concrete occurrence; epoch ms, the end exclusive. */
export interface Occurrence {
  readonly start: number;
  readonly end: number;
}

/** The longest a recurring occurrence may last: a week. */
export const MAX_RECURRING_MINUTES = 7 * 24 * 60;

/** Problems that make a schedule unusable, each with its path under `schedule` (or `timeZone`). */
export function scheduleProblems(schedule: MaintenanceSchedule, timeZone: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (!isKnownTimeZone(timeZone)) problems.push({ path: 'timeZone', message: `unknown time zone "${timeZone}"` });
  if (schedule.kind === 'once') {
    const start = parseLocal(schedule.start);
    const end = parseLocal(schedule.end);
    if (!start) problems.push({ path: 'schedule.start', message: 'must be a local date-time such as 2026-03-29T01:00' });
    if (!end) problems.push({ path: 'schedule.end', message: 'must be a local date-time such as 2026-03-29T05:00' });
    if (start && end && problems.length === 0 && onceSpan(schedule, timeZone).end <= onceSpan(schedule, timeZone).start) {
      problems.push({ path: 'schedule.end', message: 'must be after the start' });
    }
    return problems;
  }
  if (!parseTimeOfDay(schedule.startTime)) problems.push({ path: 'schedule.startTime', message: 'must be HH:MM (24-hour)' });
  if (!Number.isInteger(schedule.durationMinutes) || schedule.durationMinutes < 1 || schedule.durationMinutes > MAX_RECURRING_MINUTES) {
    problems.push({ path: 'schedule.durationMinutes', message: `must be a whole number of minutes from 1 to ${MAX_RECURRING_MINUTES}` });
  }
  const from = schedule.from === undefined ? null : parseCalendarDate(schedule.from);
  const until = schedule.until === undefined ? null : parseCalendarDate(schedule.until);
  if (schedule.from !== undefined && !from) problems.push({ path: 'schedule.from', message: 'must be a date YYYY-MM-DD' });
  if (schedule.until !== undefined && !until) problems.push({ path: 'schedule.until', message: 'must be a date YYYY-MM-DD' });
  if (from && until && Temporal.PlainDate.compare(until, from) < 0) {
    problems.push({ path: 'schedule.until', message: 'must not be before from' });
  }
  if (schedule.kind === 'weekly' && schedule.days.length === 0)
    problems.push({ path: 'schedule.days', message: 'name at least one weekday' });
  if (
    schedule.kind === 'monthly' &&
    !(Number.isInteger(schedule.dayOfMonth) && (schedule.dayOfMonth === -1 || (schedule.dayOfMonth >= 1 && schedule.dayOfMonth <= 31)))
  ) {
    problems.push({ path: 'schedule.dayOfMonth', message: 'must be 1 to 31, or -1 for the last day' });
  }
  return problems;
}

/**
 * The earliest and latest moments any occurrence can cover (`until` null: no end), so a store can skip windows
 * that are over without computing them. Assumes a valid schedule.
 */
export function scheduleBounds(schedule: MaintenanceSchedule, timeZone: string): { from: number; until: number | null } {
  if (schedule.kind === 'once') {
    const span = onceSpan(schedule, timeZone);
    return { from: span.start, until: span.end };
  }
  const from = schedule.from ? instantOf(Temporal.PlainDate.from(schedule.from).toPlainDateTime(), timeZone, 'start') : 0;
  if (!schedule.until) return { from, until: null };
  const lastDay = Temporal.PlainDate.from(schedule.until).add({ days: 1 }).toPlainDateTime();
  return { from, until: instantOf(lastDay, timeZone, 'end') + schedule.durationMinutes * 60_000 };
}

/**
 * The occurrences that overlap `[from, to)`, in start order. Assumes a valid schedule; the caller bounds the range
 * (a day-by-day walk over it).
 */
export function occurrencesBetween(schedule: MaintenanceSchedule, timeZone: string, from: number, to: number): Occurrence[] {
  if (to <= from) return [];
  if (schedule.kind === 'once') {
    const span = onceSpan(schedule, timeZone);
    return span.start < to && span.end > from ? [span] : [];
  }
  const durationMs = schedule.durationMinutes * 60_000;
  const startTime = parseTimeOfDay(schedule.startTime) ?? Temporal.PlainTime.from('00:00');
  const first = schedule.from ? Temporal.PlainDate.from(schedule.from) : null;
  const last = schedule.until ? Temporal.PlainDate.from(schedule.until) : null;
  // An occurrence that started up to one duration (plus a day for zone offsets) before `from` may still hold.
  let day = wallClockAt(from - durationMs, timeZone)
    .toPlainDate()
    .subtract({ days: 1 });
  const lastDay = wallClockAt(to, timeZone).toPlainDate().add({ days: 1 });
  const out: Occurrence[] = [];
  for (; Temporal.PlainDate.compare(day, lastDay) <= 0; day = day.add({ days: 1 })) {
    if (first && Temporal.PlainDate.compare(day, first) < 0) continue;
    if (last && Temporal.PlainDate.compare(day, last) > 0) break;
    if (!recursOn(schedule, day)) continue;
    const start = instantOf(day.toPlainDateTime(startTime), timeZone, 'start');
    const end = start + durationMs;
    if (start < to && end > from) out.push({ start, end });
  }
  return out;
}

/** The occurrence holding at `at`, or null. */
export function occurrenceAt(schedule: MaintenanceSchedule, timeZone: string, at: number): Occurrence | null {
  return occurrencesBetween(schedule, timeZone, at, at + 1)[0] ?? null;
}

function recursOn(schedule: DailySchedule | WeeklySchedule | MonthlySchedule, day: Temporal.PlainDate): boolean {
  switch (schedule.kind) {
    case 'daily':
      return true;
    case 'weekly':
      return schedule.days.includes(WEEKDAYS[day.dayOfWeek - 1] as Weekday);
    case 'monthly':
      return schedule.dayOfMonth === -1 ? day.day === day.daysInMonth : day.day === schedule.dayOfMonth;
  }
}

function onceSpan(schedule: OnceSchedule, timeZone: string): Occurrence {
  const start = parseLocal(schedule.start);
  const end = parseLocal(schedule.end);
  if (!start || !end) return { start: 0, end: 0 };
  return { start: instantOf(start, timeZone, 'start'), end: instantOf(end, timeZone, 'end') };
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Parses `YYYY-MM-DDTHH:MM[:SS]` as a real wall-clock date-time, or returns null. */
function parseLocal(text: string): Temporal.PlainDateTime | null {
  if (!LOCAL_DATE_TIME.test(text)) return null;
  try {
    return Temporal.PlainDateTime.from(text, { overflow: 'reject' });
  } catch {
    return null;
  }
}
