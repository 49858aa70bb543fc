/*
 * The final schedule: layers stacked bottom to top, overrides above them all, merged into who is on call when. Pure
 * functions over a Schedule; nothing here reads a clock or storage.
 */
import { type Interval, restrictionWindows } from './restriction';
import { rotationTurns } from './rotation';
import type { Gap, Handoff, PersonId, Schedule, ScheduleLayer, Shift, ShiftSource } from './schedule-types';
import { assertValidSchedule } from './schedule-validation';

/** The shifts one layer produces within `[from, to)`: its rotation's turns inside its restriction windows. */
export function layerShifts(layer: ScheduleLayer, timeZone: string, from: number, to: number): Shift[] {
  const windows = restrictionWindows(layer.restrictions, timeZone, from, to);
  const source: ShiftSource = { kind: 'layer', layerId: layer.id };
  const shifts: Shift[] = [];
  let w = 0;
  for (const turn of rotationTurns(layer.rotation, timeZone, from, to)) {
    while (w < windows.length && (windows[w] as Interval).end <= turn.start) w++;
    for (let i = w; i < windows.length; i++) {
      const window = windows[i] as Interval;
      if (window.start >= turn.end) break;
      shifts.push({ person: turn.person, start: Math.max(turn.start, window.start), end: Math.min(turn.end, window.end), source });
    }
  }
  return shifts;
}

function sameSource(a: ShiftSource, b: ShiftSource): boolean {
  return a.kind === 'layer' && b.kind === 'layer'
    ? a.layerId === b.layerId
    : a.kind === 'override' && b.kind === 'override' && a.overrideId === b.overrideId;
}

/**
 * Who is on call over `[from, to)` (epoch ms), as shifts in time order, each with the layer or override that put the
 * person there. Where several layers have someone the latest layer wins; an override beats every layer, and of
 * overlapping overrides the later in the list wins. Adjacent pieces with the same person and source are merged; times
 * with nobody are left out (see {@link scheduleGaps}). Throws {@link InvalidScheduleError} for an invalid schedule.
 */
export function finalShifts(schedule: Schedule, from: number, to: number): Shift[] {
  assertValidSchedule(schedule);
  if (from >= to) return [];
  // Candidates from the lowest priority to the highest: layers in order, then overrides in order.
  const tiers: Shift[][] = schedule.layers.map((layer) => layerShifts(layer, schedule.timeZone, from, to));
  for (const override of schedule.overrides ?? []) {
    if (override.end > from && override.start < to) {
      tiers.push([
        {
          person: override.person,
          start: Math.max(override.start, from),
          end: Math.min(override.end, to),
          source: { kind: 'override', overrideId: override.id },
        },
      ]);
    }
  }
  const edges = new Set<number>([from, to]);
  for (const tier of tiers) for (const shift of tier) edges.add(shift.start).add(shift.end);
  const bounds = [...edges].sort((a, b) => a - b);
  // Each tier's shifts are sorted and disjoint, so one cursor per tier walks it once.
  const cursors = tiers.map(() => 0);
  const result: Shift[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    let winner: Shift | undefined;
    tiers.forEach((tier, t) => {
      let c = cursors[t] as number;
      while (c < tier.length && (tier[c] as Shift).end <= start) c++;
      cursors[t] = c;
      const shift = tier[c];
      if (shift && shift.start <= start) winner = shift;
    });
    if (!winner) continue;
    const last = result[result.length - 1];
    if (last && last.end === start && last.person === winner.person && sameSource(last.source, winner.source)) {
      last.end = end;
    } else {
      result.push({ person: winner.person, start, end, source: winner.source });
    }
  }
  return result;
}

/** Who is on call at instant `at` (epoch ms) and why, or null when nobody is. */
export function whoIsOnCall(schedule: Schedule, at: number): { person: PersonId; source: ShiftSource } | null {
  const [shift] = finalShifts(schedule, at, at + 1);
  return shift ? { person: shift.person, source: shift.source } : null;
}

/** The stretches of `[from, to)` in which nobody is on call, in time order. */
export function scheduleGaps(schedule: Schedule, from: number, to: number): Gap[] {
  const gaps: Gap[] = [];
  let covered = from;
  for (const shift of finalShifts(schedule, from, to)) {
    if (shift.start > covered) gaps.push({ start: covered, end: shift.start });
    covered = shift.end;
  }
  if (covered < to) gaps.push({ start: covered, end: to });
  return gaps;
}

/**
 * The changes of the person on call at instants in `[from, to)`, in time order: handoff notices. A change of source
 * alone (the same person carried on by an override) is no handoff; the start or end of a gap is one, with null.
 */
export function scheduleHandoffs(schedule: Schedule, from: number, to: number): Handoff[] {
  // Start one millisecond early so a handoff exactly at `from` is seen.
  const shifts = finalShifts(schedule, from - 1, to);
  const handoffs: Handoff[] = [];
  let current: PersonId | null = null;
  let coveredUntil = from - 1;
  const change = (at: number, to: PersonId | null) => {
    if (to !== current && at >= from) handoffs.push({ at, from: current, to });
    current = to;
  };
  for (const shift of shifts) {
    if (shift.start > coveredUntil) change(coveredUntil, null);
    change(shift.start, shift.person);
    coveredUntil = shift.end;
  }
  if (coveredUntil < to) change(coveredUntil, null);
  return handoffs;
}
