import { describe, expect, it } from 'vitest';
import { occurrenceAt, occurrencesBetween, scheduleBounds, scheduleProblems } from './maintenance-schedule';

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const spans = (list: { start: number; end: number }[]) => list.map((o) => `${iso(o.start)}/${iso(o.end)}`);

describe('maintenance schedules in a named zone', () => {
  const zone = 'Europe/Berlin';

  it('keeps a weekly window at its wall-clock time across both DST changes, its duration elapsed', () => {
    const weekly = { kind: 'weekly', days: ['sun'], startTime: '01:30', durationMinutes: 120 } as const;
    // Spring forward on 2027-03-28 (02:00 CET → 03:00 CEST); fall back on 2026-10-25 (03:00 CEST → 02:00 CET).
    expect(spans(occurrencesBetween(weekly, zone, utc('2027-03-20T00:00:00Z'), utc('2027-04-05T00:00:00Z')))).toEqual([
      '2027-03-21T00:30:00.000Z/2027-03-21T02:30:00.000Z', // 01:30 CET
      '2027-03-28T00:30:00.000Z/2027-03-28T02:30:00.000Z', // 01:30 CET, ends at 04:30 CEST: two real hours
      '2027-04-03T23:30:00.000Z/2027-04-04T01:30:00.000Z', // 01:30 CEST
    ]);
    expect(spans(occurrencesBetween(weekly, zone, utc('2026-10-20T00:00:00Z'), utc('2026-11-02T00:00:00Z')))).toEqual([
      '2026-10-24T23:30:00.000Z/2026-10-25T01:30:00.000Z', // 01:30 CEST
      '2026-11-01T00:30:00.000Z/2026-11-01T02:30:00.000Z', // 01:30 CET
    ]);
  });

  it('starts a window the clocks skip when they jump, and one they repeat at its first occurrence', () => {
    const daily = { kind: 'daily', startTime: '02:30', durationMinutes: 60, from: '2027-03-27', until: '2027-03-28' } as const;
    expect(spans(occurrencesBetween(daily, zone, utc('2027-03-26T00:00:00Z'), utc('2027-03-30T00:00:00Z')))).toEqual([
      '2027-03-27T01:30:00.000Z/2027-03-27T02:30:00.000Z',
      // 02:30 does not exist on the 28th: it moves forward by the hour the clocks skip, to 03:30 CEST.
      '2027-03-28T01:30:00.000Z/2027-03-28T02:30:00.000Z',
    ]);
    const repeated = { kind: 'daily', startTime: '02:30', durationMinutes: 60, from: '2026-10-25', until: '2026-10-25' } as const;
    // 02:30 happens twice on the 25th: the first is 02:30 CEST (00:30 UTC).
    expect(spans(occurrencesBetween(repeated, zone, utc('2026-10-24T00:00:00Z'), utc('2026-10-27T00:00:00Z')))).toEqual([
      '2026-10-25T00:30:00.000Z/2026-10-25T01:30:00.000Z',
    ]);
  });

  it('finds the occurrence holding at a moment, including one that began before midnight', () => {
    const nightly = { kind: 'daily', startTime: '23:00', durationMinutes: 180 } as const;
    expect(occurrenceAt(nightly, 'UTC', utc('2026-12-05T01:00:00Z'))).toEqual({
      start: utc('2026-12-04T23:00:00Z'),
      end: utc('2026-12-05T02:00:00Z'),
    });
    expect(occurrenceAt(nightly, 'UTC', utc('2026-12-05T02:00:00Z'))).toBeNull();
  });

  it('recurs on the last day of each month, and skips months without the day', () => {
    const last = { kind: 'monthly', dayOfMonth: -1, startTime: '22:00', durationMinutes: 60 } as const;
    const starts = occurrencesBetween(last, 'UTC', utc('2027-01-01T00:00:00Z'), utc('2027-03-01T00:00:00Z')).map((o) => iso(o.start));
    expect(starts).toEqual(['2027-01-31T22:00:00.000Z', '2027-02-28T22:00:00.000Z']);
    const on31 = { kind: 'monthly', dayOfMonth: 31, startTime: '00:00', durationMinutes: 60 } as const;
    expect(occurrencesBetween(on31, 'UTC', utc('2027-04-01T00:00:00Z'), utc('2027-05-01T00:00:00Z'))).toEqual([]);
  });

  it('reads a one-off window in its zone and bounds recurring ones by their dates', () => {
    const once = { kind: 'once', start: '2026-12-24T18:00', end: '2026-12-26T08:00' } as const;
    expect(scheduleBounds(once, 'America/New_York')).toEqual({ from: utc('2026-12-24T23:00:00Z'), until: utc('2026-12-26T13:00:00Z') });
    const weekly = { kind: 'weekly', days: ['sat'], startTime: '22:00', durationMinutes: 240, until: '2027-01-31' } as const;
    expect(scheduleBounds(weekly, 'UTC')).toEqual({ from: 0, until: utc('2027-02-01T04:00:00Z') });
  });

  it('names each problem of a schedule by its path', () => {
    expect(scheduleProblems({ kind: 'once', start: '2026-12-24T18:00', end: '2026-12-24T17:00' }, 'Mars/Olympus')).toEqual([
      { path: 'timeZone', message: 'unknown time zone "Mars/Olympus"' },
    ]);
    expect(scheduleProblems({ kind: 'once', start: '2026-12-24T18:00', end: '2026-12-24T17:00' }, 'UTC')).toEqual([
      { path: 'schedule.end', message: 'must be after the start' },
    ]);
    expect(
      scheduleProblems({ kind: 'weekly', days: [], startTime: '25:00', durationMinutes: 0, from: '2027-02-30' }, 'UTC').map((p) => p.path),
    ).toEqual(['schedule.startTime', 'schedule.durationMinutes', 'schedule.from', 'schedule.days']);
  });
});
