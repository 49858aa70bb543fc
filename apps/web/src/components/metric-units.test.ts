import { describe, expect, it } from 'vitest';
import { axisIncrements, formatBytes, formatDuration, formatMetricValue, formatNumber, formatSignificant } from './metric-units';

describe('formatSignificant', () => {
  it('keeps three significant digits and drops trailing zeros', () => {
    expect(formatSignificant(1.5)).toBe('1.5');
    expect(formatSignificant(1.23456)).toBe('1.23');
    expect(formatSignificant(0.012345)).toBe('0.0123');
    expect(formatSignificant(2)).toBe('2');
    expect(formatSignificant(0)).toBe('0');
    expect(formatSignificant(-4.567)).toBe('-4.57');
  });

  it('keeps every digit of a number larger than the precision instead of writing an exponent', () => {
    expect(formatSignificant(1234.5)).toBe('1235');
    expect(formatSignificant(100)).toBe('100');
  });
});

describe('formatBytes', () => {
  it('uses binary multiples', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8 GiB');
    expect(formatBytes(3.25 * 1024 ** 4)).toBe('3.25 TiB');
  });

  it('moves up a prefix when rounding reaches the next one', () => {
    expect(formatBytes(1023.9 * 1024)).toBe('1 MiB');
    expect(formatBytes(1023)).toBe('1023 B');
  });

  it('keeps the sign of a negative size', () => {
    expect(formatBytes(-2048)).toBe('-2 KiB');
  });
});

describe('formatNumber', () => {
  it('uses SI suffixes for large numbers and plain digits for small ones', () => {
    expect(formatNumber(0.25)).toBe('0.25');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(1234)).toBe('1.23k');
    expect(formatNumber(2e9)).toBe('2G');
    expect(formatNumber(0.0001234)).toBe('0.000123');
  });
});

describe('formatDuration', () => {
  it('picks the largest unit that keeps the number at one or more', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(0.000_004)).toBe('4 µs');
    expect(formatDuration(90)).toBe('1.5 min');
    expect(formatDuration(5400)).toBe('1.5 h');
    expect(formatDuration(3 * 86_400)).toBe('3 d');
  });
});

describe('formatMetricValue', () => {
  it('formats each unit', () => {
    expect(formatMetricValue(0.4234, 'ratio')).toBe('42.3%');
    expect(formatMetricValue(1, 'ratio')).toBe('100%');
    expect(formatMetricValue(0.005, 'ratio')).toBe('0.5%');
    expect(formatMetricValue(87.25, 'percent')).toBe('87.3%');
    expect(formatMetricValue(2.5 * 1024 ** 2, 'bytes/s')).toBe('2.5 MiB/s');
    expect(formatMetricValue(4 * 1024 ** 3, 'bytes')).toBe('4 GiB');
    expect(formatMetricValue(0.42, 'number')).toBe('0.42');
    expect(formatMetricValue(0.5, 'seconds')).toBe('500 ms');
  });

  it('shows a dash for a missing value and Prometheus’ spelling of infinities', () => {
    expect(formatMetricValue(null, 'bytes')).toBe('–');
    expect(formatMetricValue(undefined, 'ratio')).toBe('–');
    expect(formatMetricValue(Number.NaN, 'number')).toBe('–');
    expect(formatMetricValue(Number.POSITIVE_INFINITY, 'number')).toBe('+Inf');
    expect(formatMetricValue(Number.NEGATIVE_INFINITY, 'bytes')).toBe('-Inf');
  });
});

describe('axisIncrements', () => {
  it('steps byte axes in binary multiples, ascending, so ticks read as round sizes', () => {
    const increments = axisIncrements('bytes') ?? [];
    expect(increments).toContain(512 * 1024 ** 2);
    expect(increments).toContain(1024 ** 3);
    expect(increments).not.toContain(1000);
    expect([...increments].sort((a, b) => a - b)).toEqual(increments);
    for (const increment of increments.filter((i) => i >= 1)) {
      expect(formatBytes(increment)).toMatch(/^\d+ [KMGTPE]?i?B$/);
    }
    expect(axisIncrements('bytes/s')).toEqual(increments);
  });

  it('leaves other units to the chart’s decimal steps', () => {
    expect(axisIncrements('ratio')).toBeUndefined();
    expect(axisIncrements('number')).toBeUndefined();
  });
});
