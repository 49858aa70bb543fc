import type { OnCallShift } from '@estate/contract';

const DAY_MS = 86_400_000;

/** One piece of a shift inside one day row, as fractions of the day (0 at local midnight, 1 at the next). */
export interface CalendarSegment {
  shift: OnCallShift;
  /** Fraction of the day where the piece starts, 0–1. */
  left: number;
  /** Fraction of the day the piece covers, 0–1. */
  width: number;
  /** A change of person happens at the start of this piece (not the day boundary). */
  handoff: boolean;
}

/** One row of the calendar: a local calendar day. */
export interface CalendarDay {
  start: number;
  end: number;
  segments: CalendarSegment[];
}

/** Local midnight at or before `at`. */
export function startOfLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Local midnight `days` calendar days after `midnight` (23 or 25 hours away across a DST change). */
export function addLocalDays(midnight: number, days: number): number {
  const d = new Date(midnight);
  d.setDate(d.getDate() + days);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * Lays shifts out as rows of local days from `from` (a local midnight), `days` rows: each shift is cut at day
 * boundaries, and a piece starting where the person on call changes is marked as a handoff.
 */
export function calendarDays(shifts: readonly OnCallShift[], from: number, days: number): CalendarDay[] {
  const rows: CalendarDay[] = [];
  for (let i = 0; i < days; i++) {
    const start = addLocalDays(from, i);
    const end = addLocalDays(from, i + 1);
    const length = end - start || DAY_MS;
    const segments: CalendarSegment[] = [];
    shifts.forEach((shift, index) => {
      if (shift.end <= start || shift.start >= end) return;
      const s = Math.max(shift.start, start);
      const e = Math.min(shift.end, end);
      const previous = shifts[index - 1];
      const handoff = s === shift.start && previous !== undefined && previous.end === shift.start && previous.person.id !== shift.person.id;
      segments.push({ shift, left: (s - start) / length, width: (e - s) / length, handoff });
    });
    rows.push({ start, end, segments });
  }
  return rows;
}

const PALETTE = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'indigo', 'yellow', 'red'] as const;

/** A stable Mantine colour for a person, so the same person has the same colour on every row. */
export function personColor(personId: string): (typeof PALETTE)[number] {
  let hash = 0;
  for (const char of personId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] as (typeof PALETTE)[number];
}
