/*
 * The on-call schedule as data: what storage will keep and routes will accept. Every time here is either an instant
 * (epoch milliseconds, like the alert model's) or a wall-clock value read in the schedule's own IANA time zone.
 */

/** A person who can be on call, by the id the user store gives them. */
export type PersonId = string;

/** ISO weekday: 1 is Monday, 7 is Sunday (Temporal's numbering). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The unit of a rotation's shift length. Hours follow the wall clock; days and weeks follow the calendar. */
export type ShiftUnit = 'hours' | 'days' | 'weeks';

/**
 * A rotation: participants take turns in list order, the first from `startDate` at `handoffTime`, each for
 * `shiftLength`; after the last participant the list starts over. Before the first handoff nobody is on call.
 */
export interface Rotation {
  /** In turn order; a person may appear more than once to take more turns. */
  participants: readonly PersonId[];
  /** Wall-clock time of the handoff, `HH:MM`, in the schedule's zone. */
  handoffTime: string;
  /** Length of one turn: a positive whole number of `unit`s. */
  shiftLength: { count: number; unit: ShiftUnit };
  /** Calendar date of the first handoff, `YYYY-MM-DD`, in the schedule's zone. */
  startDate: string;
}

/**
 * A window in which a layer applies, in the schedule's zone. `daily`: every day (or only `days`) from `start` to
 * `end`; an `end` at or before `start` runs into the next day, and `start` equal to `end` is the whole day.
 * A daily window belongs to the day it starts on. `weekly`: one window a week, from `startDay` at `start` to `endDay` at `end` (e.g. Friday 17:00 to Monday 09:00); the same day and time at both ends is the whole week.
 */
export type Restriction =
  | { kind: 'daily'; start: string; end: string; days?: readonly Weekday[] }
  | { kind: 'weekly'; startDay: Weekday; start: string; endDay: Weekday; end: string };

/**
 * One layer of a schedule: a rotation, optionally limited to restriction windows (the union of them). Outside its
 * windows a layer has nobody, so layers below show through.
 */
export interface ScheduleLayer {
  /** Stable id, so a shift can say which layer produced it. */
  id: string;
  name: string;
  rotation: Rotation;
  /** Empty or absent: the layer applies at all times. */
  restrictions?: readonly Restriction[];
}

/** One person on call for an interval, above every layer. Where overrides overlap, the later one in the list wins. */
export interface ScheduleOverride {
  id: string;
  person: PersonId;
  /** Instant, epoch ms, inclusive. */
  start: number;
  /** Instant, epoch ms, exclusive; after `start`. */
  end: number;
}

/** An on-call schedule: layers bottom to top (a later layer overrides earlier ones where it has someone). */
export interface Schedule {
  id: string;
  name: string;
  /** IANA time zone in which handoff times, start dates and restrictions are read. */
  timeZone: string;
  layers: readonly ScheduleLayer[];
  overrides?: readonly ScheduleOverride[];
}

/** What put someone on call: a layer's rotation or an override. */
export type ShiftSource = { kind: 'layer'; layerId: string } | { kind: 'override'; overrideId: string };

/** A stretch of time with one person on call; `[start, end)` in epoch ms. */
export interface Shift {
  person: PersonId;
  start: number;
  end: number;
  source: ShiftSource;
}

/** A stretch of time `[start, end)` (epoch ms) in which nobody is on call. */
export interface Gap {
  start: number;
  end: number;
}

/** A change of the person on call. `from`/`to` are null when coverage begins or ends (a gap). */
export interface Handoff {
  at: number;
  from: PersonId | null;
  to: PersonId | null;
}
