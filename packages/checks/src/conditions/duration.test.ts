import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it('reads ms, s, m, h and d, alone or together', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('72h')).toBe(259_200_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1h30m10s')).toBe(5_410_000);
    for (const bad of ['', '10', 'h', '5 m', '5x', '-5s', '1h 30m']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('writes milliseconds back with at most three parts', () => {
    expect(formatDuration(734)).toBe('734ms');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(3 * 86_400_000)).toBe('3d');
    expect(formatDuration(86_400_000 + 5 * 60_000)).toBe('1d5m');
    expect(formatDuration(2 * 86_400_000 + 23 * 3_600_000 + 59 * 60_000 + 59_000)).toBe('2d23h59m');
    expect(formatDuration(-86_400_000)).toBe('-1d');
  });
});
