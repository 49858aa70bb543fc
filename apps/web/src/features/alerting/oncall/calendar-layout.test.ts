import type { OnCallShift } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { addLocalDays, calendarDays, startOfLocalDay } from './calendar-layout';

const person = (id: string) => ({ id, name: id, email: `${id}@example.org` });
const layer = { kind: 'layer' as const, layerId: 'main' };

describe('calendar layout', () => {
  const monday = startOfLocalDay(new Date(2026, 5, 1, 12).getTime());
  const at = (day: number, hour: number) => addLocalDays(monday, day) + hour * 3_600_000;

  it('cuts shifts at local midnight and marks where the person changes', () => {
    const shifts: OnCallShift[] = [
      { person: person('ann'), start: at(0, 9), end: at(1, 9), source: layer },
      { person: person('bob'), start: at(1, 9), end: at(1, 12), source: { kind: 'override', overrideId: 'o1' } },
      { person: person('bob'), start: at(1, 12), end: at(2, 0), source: layer },
    ];
    const days = calendarDays(shifts, monday, 3);
    expect(days).toHaveLength(3);
    expect(days[0]?.segments.map((s) => [s.shift.person.id, s.left, s.width, s.handoff])).toEqual([['ann', 9 / 24, 15 / 24, false]]);
    expect(days[1]?.segments.map((s) => [s.shift.person.id, s.left, s.handoff])).toEqual([
      ['ann', 0, false],
      ['bob', 9 / 24, true],
      // Bob carries on from his override into his layer turn: no handoff.
      ['bob', 12 / 24, false],
    ]);
    expect(days[2]?.segments).toEqual([]);
  });
});
