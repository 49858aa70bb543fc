/*
 * The days a maintenance calendar shows, in the browser's local time: a month as whole weeks (Monday first), or one
 * week; and which occurrences touch each day.
 */

/** A calendar view. */
export type CalendarView = 'month' | 'week';

/** One day cell: its local midnight and the next one (epoch ms). */
export interface CalendarDay {
  readonly start: number;
  readonly end: number;
  readonly date: Date;
  /** False for the leading and trailing days of a month view that belong to the months around it. */
  readonly inMonth: boolean;
}

function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function mondayOf(date: Date): Date {
  const day = startOfDay(date);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() - ((day.getDay() + 6) % 7));
}

/** The days of the view holding `anchor`. */
export function calendarDays(view: CalendarView, anchor: Date): CalendarDay[] {
  const first = view === 'week' ? mondayOf(anchor) : mondayOf(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
  const count = view === 'week' ? 7 : weeksInMonthView(anchor) * 7;
  const days: CalendarDay[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i);
    const next = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i + 1);
    days.push({ start: date.getTime(), end: next.getTime(), date, inMonth: view === 'week' || date.getMonth() === anchor.getMonth() });
  }
  return days;
}

function weeksInMonthView(anchor: Date): number {
  const first = mondayOf(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
  const lastDay = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const days = Math.round((startOfDay(lastDay).getTime() - first.getTime()) / 86_400_000) + 1;
  return Math.ceil(days / 7);
}

/** The anchor one view earlier (-1) or later (+1). */
export function shiftAnchor(view: CalendarView, anchor: Date, by: -1 | 1): Date {
  return view === 'week'
    ? new Date(anchor.getFullYear(), anchor.getMonth(), anchor.getDate() + 7 * by)
    : new Date(anchor.getFullYear(), anchor.getMonth() + by, 1);
}

/** The occurrences overlapping a day. */
export function occurrencesOn<T extends { start: number; end: number }>(day: CalendarDay, occurrences: readonly T[]): T[] {
  return occurrences.filter((o) => o.start < day.end && o.end > day.start);
}
