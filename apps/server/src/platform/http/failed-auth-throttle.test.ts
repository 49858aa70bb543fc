import { describe, expect, it } from 'vitest';
import { FailedAuthThrottle } from './failed-auth-throttle';

describe('FailedAuthThrottle', () => {
  it('lets an address fail up to its limit in a minute, then asks it to wait for the rest of that minute', () => {
    let now = 1_000_000;
    const throttle = new FailedAuthThrottle(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
      throttle.failed('10.0.0.1');
    }
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(60);
    // Another address is counted on its own.
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 45_500;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(15);
    now += 14_500;
    // A new window: the address starts again from nothing.
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    throttle.failed('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('remembers at most 10,000 addresses, forgetting the oldest first', () => {
    const throttle = new FailedAuthThrottle(1, () => 0);
    throttle.failed('first');
    for (let i = 0; i < 10_000; i++) throttle.failed(`address-${i}`);
    expect(throttle.retryAfterSeconds('first')).toBe(0);
    expect(throttle.retryAfterSeconds('address-9999')).toBe(60);
    expect(throttle.retryAfterSeconds('address-1')).toBe(60);
  });
});
