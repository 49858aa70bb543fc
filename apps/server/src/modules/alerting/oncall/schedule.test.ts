import { describe, expect, it } from 'vitest';
import { finalShifts, scheduleGaps, scheduleHandoffs, whoIsOnCall } from './schedule';
import { at, buildLayer, buildSchedule } from './schedule.fixtures';
import { InvalidScheduleError, validateSchedule } from './schedule-validation';

const iso = (ms: number) => new Date(ms).toISOString();

describe('a rotation', () => {
  it('takes turns in order from the start date at the handoff time, and has nobody before it', () => {
    const schedule = buildSchedule({ layers: [buildLayer('l', { participants: ['ada', 'bob', 'cy'], startDate: '2026-01-05' })] });
    expect(whoIsOnCall(schedule, at('2026-01-05T07:59:59Z'))).toBeNull();
    expect(whoIsOnCall(schedule, at('2026-01-05T08:00:00Z'))?.person).toBe('ada');
    expect(whoIsOnCall(schedule, at('2026-01-06T08:00:00Z'))?.person).toBe('bob');
    expect(whoIsOnCall(schedule, at('2026-01-07T12:00:00Z'))?.person).toBe('cy');
    expect(whoIsOnCall(schedule, at('2026-01-08T12:00:00Z'))?.person).toBe('ada');
  });

  it('finds the right turn years after the start (weekly, through many DST changes)', () => {
    const schedule = buildSchedule({
      layers: [buildLayer('l', { participants: ['ada', 'bob', 'cy'], startDate: '2026-01-05', shiftLength: { count: 1, unit: 'weeks' } })],
    });
    // 2030-01-07 is 1463 days, 209 weeks, after 2026-01-05: turn 209, and 209 mod 3 = 2.
    expect(whoIsOnCall(schedule, at('2030-01-07T08:00:00Z'))?.person).toBe('cy');
    expect(whoIsOnCall(schedule, at('2030-01-07T07:59:00Z'))?.person).toBe('bob');
  });
});

describe('layers and overrides', () => {
  const schedule = buildSchedule({
    layers: [
      buildLayer('base', { participants: ['ada', 'bob'], shiftLength: { count: 1, unit: 'weeks' } }),
      buildLayer(
        'office',
        { participants: ['cy'] },
        { restrictions: [{ kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }] },
      ),
    ],
    overrides: [{ id: 'o1', person: 'dee', start: at('2026-01-06T12:00:00Z'), end: at('2026-01-06T14:00:00Z') }],
  });

  it('lets a later layer win where it has someone, and an override win over every layer', () => {
    const shifts = finalShifts(schedule, at('2026-01-06T00:00:00Z'), at('2026-01-07T00:00:00Z'));
    expect(shifts.map((s) => [s.person, iso(s.start).slice(11, 16), iso(s.end).slice(11, 16), s.source])).toEqual([
      ['ada', '00:00', '08:00', { kind: 'layer', layerId: 'base' }],
      ['cy', '08:00', '12:00', { kind: 'layer', layerId: 'office' }],
      ['dee', '12:00', '14:00', { kind: 'override', overrideId: 'o1' }],
      ['cy', '14:00', '16:00', { kind: 'layer', layerId: 'office' }],
      ['ada', '16:00', '00:00', { kind: 'layer', layerId: 'base' }],
    ]);
  });

  it('merges adjacent pieces of the same person from the same source', () => {
    const shifts = finalShifts(schedule, at('2026-01-10T00:00:00Z'), at('2026-01-13T00:00:00Z'));
    // Saturday and Sunday have no office window; the weekly base turn hands off Monday 09:00 local.
    expect(shifts.map((s) => [s.person, iso(s.start), iso(s.end)])).toEqual([
      ['ada', '2026-01-10T00:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['cy', '2026-01-12T08:00:00.000Z', '2026-01-12T16:00:00.000Z'],
      ['bob', '2026-01-12T16:00:00.000Z', '2026-01-13T00:00:00.000Z'],
    ]);
  });

  it('lets the later of overlapping overrides win, and describes the overlap', () => {
    const overlapping = buildSchedule({
      overrides: [
        { id: 'o1', person: 'dee', start: at('2026-02-01T10:00:00Z'), end: at('2026-02-01T14:00:00Z') },
        { id: 'o2', person: 'eve', start: at('2026-02-01T12:00:00Z'), end: at('2026-02-01T16:00:00Z') },
      ],
    });
    expect(whoIsOnCall(overlapping, at('2026-02-01T13:00:00Z'))).toEqual({ person: 'eve', source: { kind: 'override', overrideId: 'o2' } });
    expect(whoIsOnCall(overlapping, at('2026-02-01T11:00:00Z'))?.person).toBe('dee');
    const { errors, notices } = validateSchedule(overlapping);
    expect(errors).toEqual([]);
    expect(notices).toEqual([
      {
        path: 'overrides[1]',
        message:
          'override "o2" (eve) overlaps override "o1" (dee) from 2026-02-01T12:00:00.000Z to 2026-02-01T14:00:00.000Z; the later one, "o2", wins there',
      },
    ]);
  });
});

describe('gaps and handoffs', () => {
  const officeOnly = buildSchedule({
    layers: [
      buildLayer(
        'office',
        { participants: ['ada', 'bob'] },
        { restrictions: [{ kind: 'weekly', startDay: 1, start: '09:00', endDay: 5, end: '17:00' }] },
      ),
    ],
  });

  it('reports the times with nobody on call', () => {
    const gaps = scheduleGaps(officeOnly, at('2026-01-09T00:00:00Z'), at('2026-01-13T00:00:00Z'));
    expect(gaps.map((g) => [iso(g.start), iso(g.end)])).toEqual([['2026-01-09T16:00:00.000Z', '2026-01-12T08:00:00.000Z']]);
    expect(scheduleGaps(officeOnly, at('2026-01-07T00:00:00Z'), at('2026-01-08T00:00:00Z'))).toEqual([]);
  });

  it('lists handoffs, including into and out of a gap, and one exactly at the start of the interval', () => {
    const handoffs = scheduleHandoffs(officeOnly, at('2026-01-08T08:00:00Z'), at('2026-01-12T12:00:00Z'));
    expect(handoffs.map((h) => [iso(h.at), h.from, h.to])).toEqual([
      ['2026-01-08T08:00:00.000Z', 'ada', 'bob'], // Thursday 09:00: turn 3 (bob)
      ['2026-01-09T08:00:00.000Z', 'bob', 'ada'],
      ['2026-01-09T16:00:00.000Z', 'ada', null], // Friday 17:00: the weekly window closes
      ['2026-01-12T08:00:00.000Z', null, 'bob'], // Monday 09:00: turn 7 is bob's
    ]);
  });

  it('does not count a change of source alone as a handoff', () => {
    const schedule = buildSchedule({
      layers: [buildLayer('l', { participants: ['ada'] })],
      overrides: [{ id: 'o1', person: 'ada', start: at('2026-02-01T10:00:00Z'), end: at('2026-02-01T14:00:00Z') }],
    });
    expect(scheduleHandoffs(schedule, at('2026-02-01T00:00:00Z'), at('2026-02-02T00:00:00Z'))).toEqual([]);
    expect(finalShifts(schedule, at('2026-02-01T00:00:00Z'), at('2026-02-02T00:00:00Z'))).toHaveLength(3);
  });
});

describe('validation', () => {
  it('explains each error with a path', () => {
    const { errors } = validateSchedule(
      buildSchedule({
        timeZone: 'Europe/Atlantis',
        layers: [
          buildLayer('a', { participants: [] }),
          buildLayer('b', { shiftLength: { count: 0, unit: 'days' }, handoffTime: '25:00', startDate: '2026-02-30' }),
          buildLayer('c', {}, { restrictions: [{ kind: 'daily', start: '9am', end: '17:00', days: [8 as never] }] }),
        ],
        overrides: [{ id: 'o1', person: 'ada', start: 5, end: 5 }],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual([
      'timeZone',
      'layers[0].rotation.participants',
      'layers[1].rotation.handoffTime',
      'layers[1].rotation.startDate',
      'layers[1].rotation.shiftLength',
      'layers[2].restrictions[0].start',
      'layers[2].restrictions[0].days',
      'overrides[0]',
    ]);
    expect(errors[0]?.message).toBe('unknown time zone "Europe/Atlantis" (use an IANA name such as Europe/Berlin)');
    expect(errors[1]?.message).toContain('empty rotation');
    expect(errors[4]?.message).toContain('zero-length');
    expect(errors[7]?.message).toContain('zero-length overrides are refused');
  });

  it('refuses to compute an invalid schedule', () => {
    const invalid = buildSchedule({ layers: [buildLayer('a', { participants: [] })] });
    expect(() => finalShifts(invalid, 0, 1)).toThrow(InvalidScheduleError);
    expect(validateSchedule(buildSchedule())).toEqual({ errors: [], notices: [] });
  });
});
