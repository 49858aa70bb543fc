/*
 * Alertmanager's time intervals (`time_intervals` and the older `mute_time_intervals`): recurring wall-clock windows
 * in a time zone, used by routes to mute notifications or to send them only while active. Wall-clock fields come from
 * Intl in the interval's zone, so daylight-saving changes need no arithmetic of ours: 09:00 is 09:00 local on both
 * sides of a change, and a local time skipped by a change simply never occurs.
 */
import { checkKeys, child, type Issues, isRecord, item, stringList } from './config-issues';

/** An inclusive range of integers (weekdays 0 = Sunday, days of month with negatives from the end, months, years). */
export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}

/** A time of day range in minutes since local midnight, start inclusive, end exclusive (end ≤ 1440). */
export interface TimeOfDayRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** One entry of a named time interval: it holds when every field it sets holds (an unset field always holds). */
export interface TimeIntervalSpec {
  readonly times: readonly TimeOfDayRange[];
  readonly weekdays: readonly InclusiveRange[];
  readonly daysOfMonth: readonly InclusiveRange[];
  readonly months: readonly InclusiveRange[];
  readonly years: readonly InclusiveRange[];
  /** IANA zone name; `UTC` when the config sets none. */
  readonly location: string;
}

/** A named time interval: active when any of its entries is. */
export interface TimeInterval {
  readonly name: string;
  readonly entries: readonly TimeIntervalSpec[];
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const SPEC_KEYS = ['times', 'weekdays', 'days_of_month', 'months', 'years', 'location'];

/** Local wall-clock fields of an instant in a zone. */
export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'long',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether Intl knows an IANA zone name. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `at` (epoch ms) in `zone`. */
export function wallClock(at: number, zone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(at))) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? '').toLowerCase()),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

function inRanges(ranges: readonly InclusiveRange[], value: number): boolean {
  return ranges.length === 0 || ranges.some((range) => value >= range.begin && value <= range.end);
}

function inDaysOfMonth(ranges: readonly InclusiveRange[], clock: WallClock): boolean {
  if (ranges.length === 0) return true;
  return ranges.some((range) => {
    const begin = range.begin < 0 ? clock.daysInMonth + range.begin + 1 : range.begin;
    const end = range.end < 0 ? clock.daysInMonth + range.end + 1 : range.end;
    // A range starting past this month's end (`31` in April) holds on no day of it.
    if (begin > clock.daysInMonth) return false;
    return clock.day >= Math.max(begin, 1) && clock.day <= Math.min(end, clock.daysInMonth);
  });
}

/** Whether one entry holds at `at` (epoch ms). */
export function specContains(spec: TimeIntervalSpec, at: number): boolean {
  const clock = wallClock(at, spec.location);
  const inTimes =
    spec.times.length === 0 || spec.times.some((range) => clock.minute >= range.startMinute && clock.minute < range.endMinute);
  return (
    inTimes &&
    inRanges(spec.weekdays, clock.weekday) &&
    inDaysOfMonth(spec.daysOfMonth, clock) &&
    inRanges(spec.months, clock.month) &&
    inRanges(spec.years, clock.year)
  );
}

/** Whether a named interval is active at `at` (epoch ms): any of its entries holds. */
export function intervalContains(interval: TimeInterval, at: number): boolean {
  return interval.entries.some((spec) => specContains(spec, at));
}

function parseRange(text: string, path: string, issues: Issues, value: (token: string) => number | null): InclusiveRange | null {
  const pieces = text.split(':');
  if (pieces.length > 2) {
    issues.add(path, `"${text}" is not a value or a "start:end" range`);
    return null;
  }
  const begin = value((pieces[0] ?? '').trim());
  const end = value((pieces[1] ?? pieces[0] ?? '').trim());
  if (begin === null || end === null) {
    issues.add(path, `"${text}" is not a valid value or range`);
    return null;
  }
  return { begin, end };
}

function byName(names: readonly string[], numeric: boolean) {
  return (token: string): number | null => {
    const index = names.indexOf(token.toLowerCase());
    if (index >= 0) return numeric ? index + 1 : index;
    if (numeric && /^\d+$/.test(token)) {
      const n = Number(token);
      return n >= 1 && n <= 12 ? n : null;
    }
    return null;
  };
}

function ranges(
  raw: unknown,
  path: string,
  issues: Issues,
  value: (token: string) => number | null,
  check: (range: InclusiveRange, path: string) => boolean = (range, at) => {
    if (range.begin <= range.end) return true;
    issues.add(at, 'the start of a range must not be after its end');
    return false;
  },
): InclusiveRange[] {
  const out: InclusiveRange[] = [];
  stringList(raw, path, issues).forEach((text, index) => {
    const range = parseRange(text, item(path, index), issues, value);
    if (range && check(range, item(path, index))) out.push(range);
  });
  return out;
}

function dayOfMonth(token: string): number | null {
  if (!/^-?\d+$/.test(token)) return null;
  const n = Number(token);
  return n !== 0 && n >= -31 && n <= 31 ? n : null;
}

function checkDayRange(issues: Issues) {
  return (range: InclusiveRange, path: string): boolean => {
    if (range.begin < 0 && range.end > 0) {
      issues.add(path, 'a range starting from the end of the month (negative) must also end negative');
      return false;
    }
    if (Math.sign(range.begin) === Math.sign(range.end) && range.begin > range.end) {
      issues.add(path, 'the start of a range must not be after its end');
      return false;
    }
    return true;
  };
}

function minuteOfDay(text: unknown, path: string, issues: Issues): number | null {
  const match = typeof text === 'string' ? /^(\d{2}):(\d{2})$/.exec(text) : null;
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!match || Number(match[2]) > 59 || minutes > 1440) {
    issues.add(path, 'must be a time of day "HH:MM" between 00:00 and 24:00');
    return null;
  }
  return minutes;
}

function parseSpec(raw: unknown, path: string, issues: Issues): TimeIntervalSpec | null {
  if (!isRecord(raw)) {
    issues.add(path, 'must be a mapping');
    return null;
  }
  checkKeys(raw, SPEC_KEYS, path, issues);
  const times: TimeOfDayRange[] = [];
  if (raw.times !== undefined && !Array.isArray(raw.times)) issues.add(child(path, 'times'), 'must be a list');
  (Array.isArray(raw.times) ? raw.times : []).forEach((entry, index) => {
    const at = item(child(path, 'times'), index);
    if (!isRecord(entry)) {
      issues.add(at, 'must be a mapping with start_time and end_time');
      return;
    }
    checkKeys(entry, ['start_time', 'end_time'], at, issues);
    const start = minuteOfDay(entry.start_time, child(at, 'start_time'), issues);
    const end = minuteOfDay(entry.end_time, child(at, 'end_time'), issues);
    if (start === null || end === null) return;
    if (start >= end) {
      issues.add(at, 'start_time must be before end_time');
      return;
    }
    times.push({ startMinute: start, endMinute: end });
  });
  let location = 'UTC';
  if (raw.location !== undefined) {
    if (typeof raw.location !== 'string' || !isKnownTimeZone(raw.location === 'Local' ? 'UTC' : raw.location)) {
      issues.add(child(path, 'location'), `unknown time zone ${JSON.stringify(raw.location)}`);
    } else {
      location = raw.location === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : raw.location;
    }
  }
  return {
    times,
    weekdays: ranges(raw.weekdays, child(path, 'weekdays'), issues, byName(WEEKDAYS, false)),
    daysOfMonth: ranges(raw.days_of_month, child(path, 'days_of_month'), issues, dayOfMonth, checkDayRange(issues)),
    months: ranges(raw.months, child(path, 'months'), issues, byName(MONTHS, true)),
    years: ranges(raw.years, child(path, 'years'), issues, (token) => (/^\d+$/.test(token) && Number(token) > 0 ? Number(token) : null)),
    location,
  };
}

/**
 * Parses one named interval, `{ name, time_intervals: [...] }`, as both `time_intervals` and `mute_time_intervals`
 * hold them. Problems go to `issues`; returns null when the entry is unusable.
 */
export function parseTimeInterval(raw: unknown, path: string, issues: Issues): TimeInterval | null {
  if (!isRecord(raw)) {
    issues.add(path, 'must be a mapping with name and time_intervals');
    return null;
  }
  checkKeys(raw, ['name', 'time_intervals'], path, issues);
  if (typeof raw.name !== 'string' || raw.name === '') {
    issues.add(child(path, 'name'), 'must be a non-empty string');
    return null;
  }
  const listPath = child(path, 'time_intervals');
  if (raw.time_intervals !== undefined && !Array.isArray(raw.time_intervals)) issues.add(listPath, 'must be a list');
  const entries: TimeIntervalSpec[] = [];
  (Array.isArray(raw.time_intervals) ? raw.time_intervals : []).forEach((entry, index) => {
    const spec = parseSpec(entry, item(listPath, index), issues);
    if (spec) entries.push(spec);
  });
  return { name: raw.name, entries };
}
