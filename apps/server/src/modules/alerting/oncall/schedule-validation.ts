/*
 * What makes a schedule computable, said in words a person editing it can act on. Errors stop computation; notices
 * describe something allowed but worth seeing (overlapping overrides).
 */
import type { Restriction, Schedule } from './schedule-types';
import { isKnownTimeZone, parseCalendarDate, parseTimeOfDay } from './wall-clock';

/** One finding about a schedule. `path` points into the schedule object, e.g. `layers[1].rotation.participants`. */
export interface ScheduleIssue {
  path: string;
  message: string;
}

/** The outcome of {@link validateSchedule}: the schedule is computable exactly when `errors` is empty. */
export interface ScheduleValidation {
  errors: ScheduleIssue[];
  notices: ScheduleIssue[];
}

/** Thrown by the schedule functions when handed a schedule with errors; carries them for a problem response. */
export class InvalidScheduleError extends Error {
  constructor(readonly issues: readonly ScheduleIssue[]) {
    super(`invalid schedule: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'InvalidScheduleError';
  }
}

const WEEKDAYS = new Set([1, 2, 3, 4, 5, 6, 7]);

function checkRestriction(restriction: Restriction, path: string, errors: ScheduleIssue[]): void {
  for (const field of ['start', 'end'] as const) {
    if (parseTimeOfDay(restriction[field]) === null) {
      errors.push({ path: `${path}.${field}`, message: `"${restriction[field]}" is not a time of day (HH:MM, 24-hour)` });
    }
  }
  if (restriction.kind === 'daily') {
    for (const day of restriction.days ?? []) {
      if (!WEEKDAYS.has(day)) errors.push({ path: `${path}.days`, message: `${day} is not a weekday (1 Monday … 7 Sunday)` });
    }
  } else {
    for (const field of ['startDay', 'endDay'] as const) {
      if (!WEEKDAYS.has(restriction[field])) {
        errors.push({ path: `${path}.${field}`, message: `${restriction[field]} is not a weekday (1 Monday … 7 Sunday)` });
      }
    }
  }
}

/**
 * Checks a schedule: a known time zone, rotations with participants, a well-formed handoff time and start date, a
 * positive whole shift length, well-formed restrictions, overrides that last some time. Never throws.
 */
export function validateSchedule(schedule: Schedule): ScheduleValidation {
  const errors: ScheduleIssue[] = [];
  const notices: ScheduleIssue[] = [];
  if (!isKnownTimeZone(schedule.timeZone)) {
    errors.push({ path: 'timeZone', message: `unknown time zone "${schedule.timeZone}" (use an IANA name such as Europe/Berlin)` });
  }
  schedule.layers.forEach((layer, index) => {
    const path = `layers[${index}]`;
    const { rotation } = layer;
    if (rotation.participants.length === 0) {
      errors.push({
        path: `${path}.rotation.participants`,
        message: `layer "${layer.name}" has an empty rotation: add at least one participant`,
      });
    }
    if (parseTimeOfDay(rotation.handoffTime) === null) {
      errors.push({ path: `${path}.rotation.handoffTime`, message: `"${rotation.handoffTime}" is not a time of day (HH:MM, 24-hour)` });
    }
    if (parseCalendarDate(rotation.startDate) === null) {
      errors.push({ path: `${path}.rotation.startDate`, message: `"${rotation.startDate}" is not a calendar date (YYYY-MM-DD)` });
    }
    const { count, unit } = rotation.shiftLength;
    if (!Number.isInteger(count) || count <= 0) {
      errors.push({
        path: `${path}.rotation.shiftLength`,
        message: `a shift must last a positive whole number of ${unit}; zero-length or fractional shifts are refused (got ${count})`,
      });
    }
    if (!['hours', 'days', 'weeks'].includes(unit)) {
      errors.push({ path: `${path}.rotation.shiftLength.unit`, message: `"${unit}" is not a shift unit (hours, days or weeks)` });
    }
    for (const [r, restriction] of (layer.restrictions ?? []).entries())
      checkRestriction(restriction, `${path}.restrictions[${r}]`, errors);
  });
  const overrides = schedule.overrides ?? [];
  overrides.forEach((override, index) => {
    if (!Number.isFinite(override.start) || !Number.isFinite(override.end) || override.end <= override.start) {
      errors.push({
        path: `overrides[${index}]`,
        message: `override "${override.id}" must end after it starts; zero-length overrides are refused`,
      });
    }
    for (let earlier = 0; earlier < index; earlier++) {
      const other = overrides[earlier];
      if (other && other.start < override.end && override.start < other.end) {
        const from = new Date(Math.max(other.start, override.start)).toISOString();
        const to = new Date(Math.min(other.end, override.end)).toISOString();
        notices.push({
          path: `overrides[${index}]`,
          message: `override "${override.id}" (${override.person}) overlaps override "${other.id}" (${other.person}) from ${from} to ${to}; the later one, "${override.id}", wins there`,
        });
      }
    }
  });
  return { errors, notices };
}

/** Throws {@link InvalidScheduleError} when the schedule has errors. */
export function assertValidSchedule(schedule: Schedule): void {
  const { errors } = validateSchedule(schedule);
  if (errors.length > 0) throw new InvalidScheduleError(errors);
}
