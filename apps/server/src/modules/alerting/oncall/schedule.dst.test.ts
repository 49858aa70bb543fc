import { describe, expect, it } from 'vitest';
import { finalShifts, scheduleHandoffs } from './schedule';
import { at, buildLayer, buildSchedule, hours } from './schedule.fixtures';

/*
 * Every DST change of 2026 in four zones: the turn holding the change keeps its wall-clock handoff, so a one-day turn
 * lasts 24 h plus or minus the change (GoAlert's rule; see wall-clock.ts).
 */
const changes = [
  { zone: 'Europe/Berlin', day: '2026-03-29', turnHours: 23 },
  { zone: 'Europe/Berlin', day: '2026-10-25', turnHours: 25 },
  { zone: 'America/New_York', day: '2026-03-08', turnHours: 23 },
  { zone: 'America/New_York', day: '2026-11-01', turnHours: 25 },
  // Southern hemisphere: clocks go back in April and forward in October.
  { zone: 'Australia/Sydney', day: '2026-04-05', turnHours: 25 },
  { zone: 'Australia/Sydney', day: '2026-10-04', turnHours: 23 },
  // Lord Howe Island moves its clocks by 30 minutes.
  { zone: 'Australia/Lord_Howe', day: '2026-04-05', turnHours: 24.5 },
  { zone: 'Australia/Lord_Howe', day: '2026-10-04', turnHours: 23.5 },
];

describe('one-day turns across the DST changes of 2026', () => {
  it.each(changes)('$zone on $day: the turn holding the change lasts $turnHours h', ({ zone, day }) => {
    const schedule = buildSchedule({ timeZone: zone, layers: [buildLayer('l', { handoffTime: '09:00', startDate: '2026-01-01' })] });
    const change = at(`${day}T00:00:00Z`);
    const shifts = finalShifts(schedule, change - 3 * 86_400_000, change + 3 * 86_400_000);
    // The first and last shifts are clipped by the interval; the whole turns between last 24 h but one.
    const lengths = shifts.slice(1, -1).map((shift) => hours(shift.start, shift.end));
    expect(lengths.filter((length) => length !== 24)).toEqual([changes.find((c) => c.zone === zone && c.day === day)?.turnHours]);
    // Every handoff still happens at 09:00 on the wall clock.
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    for (const shift of shifts.slice(1)) expect(clock.format(shift.start)).toBe('09:00');
  });
});

describe('handoffs at wall-clock times a DST change repeats or skips', () => {
  it('hands off at the first 02:30 when Berlin sets its clocks back', () => {
    const schedule = buildSchedule({ layers: [buildLayer('l', { handoffTime: '02:30', startDate: '2026-10-20' })] });
    const handoffs = scheduleHandoffs(schedule, at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'));
    expect(handoffs.map((h) => new Date(h.at).toISOString())).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, before the clocks go back
      '2026-10-26T01:30:00.000Z', // 02:30 CET: the turn lasted 25 h
    ]);
  });

  it('hands off at 03:30 when Berlin skips 02:30, so the next turn lasts 23 h', () => {
    const schedule = buildSchedule({ layers: [buildLayer('l', { handoffTime: '02:30', startDate: '2026-03-20' })] });
    const handoffs = scheduleHandoffs(schedule, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'));
    expect(handoffs.map((h) => new Date(h.at).toISOString())).toEqual([
      '2026-03-29T01:30:00.000Z', // 03:30 CEST, where 02:30 would have been
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it.each([
    // Repeated times: the first occurrence, before the clocks go back.
    { zone: 'Australia/Sydney', day: '2026-04-05', time: '02:30', expected: '2026-04-04T15:30:00.000Z' }, // +11:00
    { zone: 'Australia/Lord_Howe', day: '2026-04-05', time: '01:45', expected: '2026-04-04T14:45:00.000Z' }, // +11:00
    { zone: 'America/New_York', day: '2026-11-01', time: '01:30', expected: '2026-11-01T05:30:00.000Z' }, // -04:00
    // Skipped times: the instant the clocks jump to, shifted by the gap.
    { zone: 'Australia/Lord_Howe', day: '2026-10-04', time: '02:15', expected: '2026-10-03T15:45:00.000Z' }, // 02:45 +11:00
    { zone: 'Australia/Sydney', day: '2026-10-04', time: '02:30', expected: '2026-10-03T16:30:00.000Z' }, // 03:30 +11:00
  ])('hands off at $time on $day in $zone at $expected', ({ zone, day, time, expected }) => {
    const schedule = buildSchedule({ timeZone: zone, layers: [buildLayer('l', { handoffTime: time, startDate: '2026-01-01' })] });
    const change = at(`${day}T00:00:00Z`);
    const handoffs = scheduleHandoffs(schedule, change - 86_400_000, change + 86_400_000);
    expect(handoffs.map((h) => new Date(h.at).toISOString())).toContain(expected);
  });

  it('keeps a 2-hour rotation on even wall-clock hours across spring-forward in New York', () => {
    const schedule = buildSchedule({
      timeZone: 'America/New_York',
      layers: [buildLayer('l', { handoffTime: '00:00', startDate: '2026-03-07', shiftLength: { count: 2, unit: 'hours' } })],
    });
    const shifts = finalShifts(schedule, at('2026-03-08T05:00:00Z'), at('2026-03-08T12:00:00Z'));
    expect(shifts.map((s) => [new Date(s.start).toISOString().slice(11, 16), hours(s.start, s.end)])).toEqual([
      ['05:00', 2], // 00:00-02:00 EST
      ['07:00', 1], // 03:00-04:00 EDT: 02:00 does not exist, the turn loses the skipped hour
      ['08:00', 2], // 04:00-06:00 EDT
      ['10:00', 2],
    ]);
  });

  it('gives no time to an hourly turn that falls wholly in the skipped hour, and moves on to the next person', () => {
    const schedule = buildSchedule({
      timeZone: 'America/New_York',
      layers: [
        buildLayer('l', {
          participants: ['ada', 'bob', 'cy'],
          handoffTime: '00:00',
          startDate: '2026-03-08',
          shiftLength: { count: 1, unit: 'hours' },
        }),
      ],
    });
    const shifts = finalShifts(schedule, at('2026-03-08T05:00:00Z'), at('2026-03-08T09:00:00Z'));
    expect(shifts.map((s) => s.person)).toEqual(['ada', 'bob', 'ada', 'bob']);
    expect(shifts.map((s) => hours(s.start, s.end))).toEqual([1, 1, 1, 1]);
  });

  it('lengthens the hourly turn holding Lord Howe fall-back by 30 minutes', () => {
    const schedule = buildSchedule({
      timeZone: 'Australia/Lord_Howe',
      layers: [buildLayer('l', { handoffTime: '00:00', startDate: '2026-04-04', shiftLength: { count: 1, unit: 'hours' } })],
    });
    // 2026-04-05 02:00 +11:00 becomes 01:30 +10:30; 01:00 local is 14:00Z the day before.
    const shifts = finalShifts(schedule, at('2026-04-04T14:00:00Z'), at('2026-04-04T17:00:00Z'));
    expect(shifts.map((s) => hours(s.start, s.end))).toEqual([1.5, 1, 0.5]);
  });
});

describe('restriction windows across DST changes', () => {
  const nights = (zone: string, startDate: string) =>
    buildSchedule({
      timeZone: zone,
      layers: [buildLayer('l', { participants: ['ada'], startDate }, { restrictions: [{ kind: 'daily', start: '22:00', end: '06:00' }] })],
    });

  it('gives the night window 9 h when Berlin falls back and 7 h when it springs forward', () => {
    const fall = finalShifts(nights('Europe/Berlin', '2026-10-01'), at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'));
    expect(fall.map((s) => hours(s.start, s.end))).toEqual([9]);
    const spring = finalShifts(nights('Europe/Berlin', '2026-03-01'), at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'));
    expect(spring.map((s) => hours(s.start, s.end))).toEqual([7]);
  });

  it('ends a window at a repeated time at its last occurrence', () => {
    const schedule = buildSchedule({
      layers: [
        buildLayer(
          'l',
          { participants: ['ada'], startDate: '2026-10-01' },
          { restrictions: [{ kind: 'daily', start: '00:00', end: '02:30', days: [7] }] },
        ),
      ],
    });
    const [shift] = finalShifts(schedule, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'));
    expect(new Date(shift?.start ?? 0).toISOString()).toBe('2026-10-24T22:00:00.000Z'); // 00:00 CEST
    expect(new Date(shift?.end ?? 0).toISOString()).toBe('2026-10-25T01:30:00.000Z'); // 02:30 CET
  });

  it('keeps a Sydney weekday 09:00-17:00 window 8 h long on both sides of the April change', () => {
    const schedule = buildSchedule({
      timeZone: 'Australia/Sydney',
      layers: [
        buildLayer(
          'l',
          { participants: ['ada'], startDate: '2026-03-01' },
          { restrictions: [{ kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }] },
        ),
      ],
    });
    const shifts = finalShifts(schedule, at('2026-04-02T00:00:00+11:00'), at('2026-04-08T00:00:00+10:00'));
    expect(shifts.map((s) => hours(s.start, s.end))).toEqual([8, 8, 8, 8]); // Thu, Fri, then Mon and Tue after the change
    expect(new Date(shifts[2]?.start ?? 0).toISOString()).toBe('2026-04-05T23:00:00.000Z'); // Monday 09:00 AEST
  });
});
