/*
 * A rotation's turns: who holds it between two instants. Handoffs follow the wall clock (see wall-clock.ts for the
 * DST rules), so turn k starts at the start date-time plus k shift lengths of calendar days or wall-clock hours.
 */
import { Temporal } from 'temporal-polyfill';
import type { PersonId, Rotation } from './schedule-types';
import { instantOf, wallClockAt } from './wall-clock';

/** One turn of a rotation, `[start, end)` in epoch ms, possibly clipped to the interval asked for. */
export interface RotationTurn {
  person: PersonId;
  start: number;
  end: number;
  /** 0 for the first turn of the rotation, counting on from there. */
  turn: number;
}

/** Computes the instant of each handoff of one (valid) rotation in one zone. */
class HandoffClock {
  private readonly first: Temporal.PlainDateTime;

  constructor(
    private readonly rotation: Rotation,
    private readonly timeZone: string,
  ) {
    this.first = Temporal.PlainDate.from(rotation.startDate).toPlainDateTime(Temporal.PlainTime.from(rotation.handoffTime));
  }

  /** Wall-clock hours in one turn (approximate for days and weeks, used only to find a starting turn quickly). */
  private get turnHours(): number {
    const { count, unit } = this.rotation.shiftLength;
    return count * (unit === 'hours' ? 1 : unit === 'days' ? 24 : 168);
  }

  /** The instant turn `k` begins (and turn `k - 1` ends). Never decreases as `k` grows. */
  handoff(k: number): number {
    const { count, unit } = this.rotation.shiftLength;
    const local =
      unit === 'hours' ? this.first.add({ hours: k * count }) : this.first.add({ days: k * count * (unit === 'weeks' ? 7 : 1) });
    return instantOf(local, this.timeZone, 'start');
  }

  /** The turn holding instant `at`, or -1 before the first handoff. */
  turnAt(at: number): number {
    if (at < this.handoff(0)) return -1;
    const hours = this.first.until(wallClockAt(at, this.timeZone), { largestUnit: 'hours' }).hours;
    let k = Math.max(0, Math.floor(hours / this.turnHours) - 1);
    while (this.handoff(k + 1) <= at) k++;
    while (k > 0 && this.handoff(k) > at) k--;
    return k;
  }
}

/**
 * The turns of a valid rotation that overlap `[from, to)`, clipped to it, in order. A turn whose handoffs fall on the
 * same instant (two handoffs in a skipped wall-clock hour) lasts no time and is left out.
 */
export function rotationTurns(rotation: Rotation, timeZone: string, from: number, to: number): RotationTurn[] {
  const clock = new HandoffClock(rotation, timeZone);
  const turns: RotationTurn[] = [];
  const count = rotation.participants.length;
  let k = Math.max(0, clock.turnAt(from));
  let start = clock.handoff(k);
  while (start < to) {
    const end = clock.handoff(k + 1);
    const person = rotation.participants[k % count];
    if (end > start && end > from && person !== undefined) {
      turns.push({ person, start: Math.max(start, from), end: Math.min(end, to), turn: k });
    }
    k++;
    start = end;
  }
  return turns;
}
