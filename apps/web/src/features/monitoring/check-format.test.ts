import { describe, expect, it } from 'vitest';
import {
  conditionLines,
  detailRows,
  formatRunDuration,
  formatSpan,
  formatUptime,
  latencyPoints,
  latencySpan,
  pushExpectation,
  uptimeBarTone,
  uptimePeriodLabel,
} from './check-format';

describe('check formatting', () => {
  it('shows uptime with three decimals, never rounding a down time up to 100 %', () => {
    expect(formatUptime(1)).toBe('100.000%');
    expect(formatUptime(0.99987)).toBe('99.987%');
    expect(formatUptime(0.9999999)).toBe('99.999%');
    expect(formatUptime(0)).toBe('0.000%');
    expect(formatUptime(null)).toBe('—');
  });

  it('shows spans of time in their two largest units', () => {
    expect(formatSpan(0)).toBe('0 s');
    expect(formatSpan(42_000)).toBe('42 s');
    expect(formatSpan(252_000)).toBe('4 min 12 s');
    expect(formatSpan(3_780_000)).toBe('1 h 3 min');
    expect(formatSpan(3_600_000 + 5_000)).toBe('1 h');
    expect(formatSpan(2 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('2 d 4 h');
  });

  it('shows run durations in ms below a second and in seconds above', () => {
    expect(formatRunDuration(12.4)).toBe('12 ms');
    expect(formatRunDuration(1234)).toBe('1.23 s');
    expect(formatRunDuration(12_345)).toBe('12.3 s');
    expect(formatRunDuration(null)).toBe('—');
  });

  it('lists failed conditions first with their reasons, marking warnings', () => {
    const lines = conditionLines([
      { condition: '[STATUS] == 200', passed: true },
      { condition: '[BODY].ok == true', passed: false, reason: '[BODY].ok (false) == true' },
      { condition: '[RESPONSE_TIME] < 500', passed: false, warning: true },
    ]);
    expect(lines).toEqual([
      { condition: '[BODY].ok == true', passed: false, kind: 'condition', reason: '[BODY].ok (false) == true' },
      { condition: '[RESPONSE_TIME] < 500', passed: false, kind: 'warning', reason: 'failed' },
      { condition: '[STATUS] == 200', passed: true, kind: 'condition', reason: null },
    ]);
  });

  it('flattens details into labelled rows, durations formatted, a repeated object shown once', () => {
    const timings = { dnsMs: 1.2, connectMs: 0.4, totalMs: 12 };
    const rows = detailRows({
      hops: [{ url: 'http://a/health', status: 200, timings }],
      timings,
      bodyBytes: 11,
      bodyTruncated: false,
      addresses: ['192.0.2.1', '192.0.2.2'],
    });
    expect(rows).toEqual([
      { key: 'timings › DNS', value: '1 ms' },
      { key: 'timings › connect', value: '0 ms' },
      { key: 'timings › total', value: '12 ms' },
      { key: 'body bytes', value: '11' },
      { key: 'body truncated', value: 'no' },
      { key: 'hops › URL', value: 'http://a/health' },
      { key: 'hops › status', value: '200' },
      { key: 'addresses', value: '192.0.2.1, 192.0.2.2' },
    ]);
  });

  it('numbers the items of an array of several objects', () => {
    const rows = detailRows({ hops: [{ status: 301 }, { status: 200 }] });
    expect(rows).toEqual([
      { key: 'hops 1 › status', value: '301' },
      { key: 'hops 2 › status', value: '200' },
    ]);
  });
});

describe('detail page figures', () => {
  it('names the uptime periods in words', () => {
    expect(uptimePeriodLabel('24h')).toBe('Last 24 hours');
    expect(uptimePeriodLabel('90d')).toBe('Last 90 days');
    expect(uptimePeriodLabel('custom')).toBe('custom');
  });

  it('draws latency from runs with a verdict, oldest first, in seconds', () => {
    expect(
      latencyPoints([
        { at: 20_000, durationMs: 30, status: 'down' },
        { at: 10_000, durationMs: 12, status: 'up' },
        { at: 15_000, durationMs: 10_000, status: 'unknown' },
      ]),
    ).toEqual([
      [10, 0.012],
      [20, 0.03],
    ]);
  });

  it('spans the chart over the runs, at least the given width', () => {
    expect(latencySpan([], 60)).toBeUndefined();
    expect(latencySpan([[100, 0.1]], 60)).toEqual({ from: 70, to: 130 });
    expect(
      latencySpan(
        [
          [100, 0.1],
          [400, 0.2],
        ],
        60,
      ),
    ).toEqual({ from: 100, to: 400 });
  });

  it("words a push check's expectation", () => {
    expect(pushExpectation({ periodSeconds: 86_400, graceSeconds: 3_600 })).toBe('every 1 d (grace 1 h)');
    expect(pushExpectation({ schedule: '0 3 * * *', timezone: 'Europe/Berlin', graceSeconds: 1_800 })).toBe(
      'at 0 3 * * * Europe/Berlin (grace 30 min)',
    );
    expect(pushExpectation({ periodSeconds: 90 })).toBe('every 90 s (grace 5 min)');
  });

  it('tones a day of uptime by how much of it was down', () => {
    expect([null, 1, 0.999, 0.9989, 0.99, 0.95, 0.9499, 0].map(uptimeBarTone)).toEqual([
      'none',
      'good',
      'good',
      'fair',
      'fair',
      'poor',
      'bad',
      'bad',
    ]);
  });
});
