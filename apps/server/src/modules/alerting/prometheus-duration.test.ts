import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './prometheus-duration';

describe('Prometheus durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1s500ms', 1_500],
    ['0', 0],
    ['0s', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it.each(['', '1.5h', '5m1h', '-1m', '1 h', 'h', '30'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formats the shortest form', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(604_800_000 + 500)).toBe('1w500ms');
  });
});
