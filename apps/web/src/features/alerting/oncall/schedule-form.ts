import type { CreateScheduleRequest, Restriction, ScheduleLayer } from '@estate/contract';

/** What the schedule editor edits: the schedule without its overrides (those have their own form). */
export type ScheduleDraft = Omit<CreateScheduleRequest, 'overrides'>;

/** An ISO weekday: 1 Monday … 7 Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** ISO weekdays with their short names, Monday first. */
export const WEEKDAYS = [
  { value: 1, label: 'Mon' },
  { value: 2, label: 'Tue' },
  { value: 3, label: 'Wed' },
  { value: 4, label: 'Thu' },
  { value: 5, label: 'Fri' },
  { value: 6, label: 'Sat' },
  { value: 7, label: 'Sun' },
] as const;

/** The browser's time zone, the default of a new schedule. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The IANA time zones the browser knows, for the picker. */
export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes('UTC') ? known : ['UTC', ...known];
}

/** Today's date in the browser, `YYYY-MM-DD`. */
export function todayDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A new layer: a weekly rotation handing over at 09:00 from today, no participants yet, always applying. */
export function newLayer(existing: readonly ScheduleLayer[]): ScheduleLayer {
  let n = existing.length + 1;
  while (existing.some((layer) => layer.id === `layer-${n}`)) n++;
  return {
    id: `layer-${n}`,
    name: `Layer ${n}`,
    rotation: { participants: [], handoffTime: '09:00', shiftLength: { count: 1, unit: 'weeks' }, startDate: todayDate() },
    restrictions: [],
  };
}

/** A new schedule draft with one layer. */
export function newScheduleDraft(): ScheduleDraft {
  return { name: '', timeZone: browserTimeZone(), layers: [newLayer([])] };
}

/** A restriction for office hours: weekdays 09:00–17:00. */
export function officeHours(): Restriction {
  return { kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] };
}

/** Replaces the item at `index`. */
export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((current, i) => (i === index ? item : current));
}
