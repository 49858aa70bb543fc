import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 300_000 };

  it('grows exponentially up to the cap, with full jitter below it', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(1, policy, top)).toBe(999);
    expect(backoffDelay(2, policy, top)).toBe(1999);
    expect(backoffDelay(5, policy, top)).toBe(15_999);
    expect(backoffDelay(9, policy, top)).toBe(255_999);
    expect(backoffDelay(10, policy, top)).toBe(299_999);
    expect(backoffDelay(1000, policy, top)).toBe(299_999);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('spreads retries across the whole window', () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(6, policy));
    expect(Math.min(...delays)).toBeLessThan(3000);
    expect(Math.max(...delays)).toBeGreaterThan(29_000);
    expect(delays.every((d) => d >= 0 && d < 32_000)).toBe(true);
  });
});
