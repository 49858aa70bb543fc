import { describe, expect, it } from 'vitest';
import { Issues } from './config-issues';
import { utc } from './routing.fixtures';
import { intervalContains, parseTimeInterval, type TimeInterval } from './time-intervals';

function interval(spec: Record<string, unknown>): TimeInterval {
  const issues = new Issues();
  const parsed = parseTimeInterval({ name: 'x', time_intervals: [spec] }, 'time_intervals[0]', issues);
  expect(issues.list).toEqual([]);
  if (!parsed) throw new Error('did not parse');
  return parsed;
}

function problems(spec: Record<string, unknown>): string[] {
  const issues = new Issues();
  parseTimeInterval({ name: 'x', time_intervals: [spec] }, 'time_intervals[0]', issues);
  return issues.list.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('time intervals', () => {
  const officeBerlin = interval({
    times: [{ start_time: '09:00', end_time: '17:00' }],
    weekdays: ['monday:friday'],
    location: 'Europe/Berlin',
  });

  it('follows Berlin wall-clock time across the spring DST change (2026-03-29)', () => {
    // Friday before the change: CET, UTC+1.
    expect(intervalContains(officeBerlin, utc('2026-03-27T07:59:00Z'))).toBe(false);
    expect(intervalContains(officeBerlin, utc('2026-03-27T08:00:00Z'))).toBe(true);
    expect(intervalContains(officeBerlin, utc('2026-03-27T15:59:00Z'))).toBe(true);
    expect(intervalContains(officeBerlin, utc('2026-03-27T16:00:00Z'))).toBe(false);
    // Monday after: CEST, UTC+2, so the office opens an hour earlier in UTC.
    expect(intervalContains(officeBerlin, utc('2026-03-30T06:59:00Z'))).toBe(false);
    expect(intervalContains(officeBerlin, utc('2026-03-30T07:00:00Z'))).toBe(true);
    expect(intervalContains(officeBerlin, utc('2026-03-30T15:00:00Z'))).toBe(false);
    // Sunday: no weekday match.
    expect(intervalContains(officeBerlin, utc('2026-03-29T10:00:00Z'))).toBe(false);
  });

  it('never holds in the skipped hour and holds twice in the repeated one', () => {
    const twoToThree = interval({ times: [{ start_time: '02:00', end_time: '03:00' }], location: 'Europe/Berlin' });
    // 2026-03-29 01:59 CET is followed by 03:00 CEST.
    expect(intervalContains(twoToThree, utc('2026-03-29T00:59:00Z'))).toBe(false);
    expect(intervalContains(twoToThree, utc('2026-03-29T01:00:00Z'))).toBe(false);
    // 2026-10-25 02:30 happens in CEST (00:30Z) and again in CET (01:30Z).
    expect(intervalContains(twoToThree, utc('2026-10-25T00:30:00Z'))).toBe(true);
    expect(intervalContains(twoToThree, utc('2026-10-25T01:30:00Z'))).toBe(true);
    expect(intervalContains(twoToThree, utc('2026-10-25T02:30:00Z'))).toBe(false);
  });

  it('counts negative days of month from the end of each month', () => {
    const lastThree = interval({ days_of_month: ['-3:-1'] });
    expect(intervalContains(lastThree, utc('2026-02-26T12:00:00Z'))).toBe(true);
    expect(intervalContains(lastThree, utc('2026-02-25T12:00:00Z'))).toBe(false);
    expect(intervalContains(lastThree, utc('2026-01-29T12:00:00Z'))).toBe(true);
    expect(intervalContains(lastThree, utc('2026-01-28T12:00:00Z'))).toBe(false);
    const firstToLast = interval({ days_of_month: ['7:-1'] });
    expect(intervalContains(firstToLast, utc('2026-04-30T12:00:00Z'))).toBe(true);
    expect(intervalContains(firstToLast, utc('2026-04-06T12:00:00Z'))).toBe(false);
    // Day 31 does not exist in April, so the range starting there holds on no April day.
    const thirtyFirst = interval({ days_of_month: ['31'] });
    expect(intervalContains(thirtyFirst, utc('2026-04-30T12:00:00Z'))).toBe(false);
    expect(intervalContains(thirtyFirst, utc('2026-05-31T12:00:00Z'))).toBe(true);
  });

  it('matches months by name or number, years, and the end of day 24:00', () => {
    const winter = interval({ months: ['december', '1:2'], years: ['2026:2027'] });
    expect(intervalContains(winter, utc('2026-12-15T00:00:00Z'))).toBe(true);
    expect(intervalContains(winter, utc('2027-02-15T00:00:00Z'))).toBe(true);
    expect(intervalContains(winter, utc('2027-03-01T00:00:00Z'))).toBe(false);
    expect(intervalContains(winter, utc('2028-01-15T00:00:00Z'))).toBe(false);
    const evening = interval({ times: [{ start_time: '22:00', end_time: '24:00' }] });
    expect(intervalContains(evening, utc('2026-05-01T23:59:00Z'))).toBe(true);
    expect(intervalContains(evening, utc('2026-05-02T00:00:00Z'))).toBe(false);
  });

  it('reports bad fields at their paths', () => {
    expect(problems({ weekdays: ['funday'] })).toEqual([
      'time_intervals[0].time_intervals[0].weekdays[0]: "funday" is not a valid value or range',
    ]);
    expect(problems({ weekdays: ['friday:monday'] })[0]).toContain('weekdays[0]: the start of a range');
    expect(problems({ days_of_month: ['-1:5'] })[0]).toContain('days_of_month[0]: a range starting from the end');
    expect(problems({ days_of_month: ['0'] })[0]).toContain('days_of_month[0]');
    expect(problems({ times: [{ start_time: '17:00', end_time: '09:00' }] })[0]).toContain('times[0]: start_time must be before end_time');
    expect(problems({ times: [{ start_time: '9:00', end_time: '25:00' }] })).toHaveLength(2);
    expect(problems({ location: 'Mars/Olympus' })[0]).toContain('location: unknown time zone');
    expect(problems({ weekday: ['monday'] })[0]).toContain('weekday: unknown field');
  });
});
