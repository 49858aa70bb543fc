import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  const policy = { baseMs: 100, capMs: 1_000 };

  it('doubles the ceiling with each failed attempt and keeps the delay within [ceiling/2, ceiling]', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0.999999))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap, even for huge attempt counts', () => {
    expect(retryDelayMs(5, policy, () => 0.999999)).toBe(1_000);
    expect(retryDelayMs(10_000, policy, () => 0.999999)).toBe(1_000);
    expect(retryDelayMs(10_000, policy, () => 0)).toBe(500);
  });

  it('spreads retries of jobs that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d >= 200 && d <= 400).toBe(true);
  });
});
