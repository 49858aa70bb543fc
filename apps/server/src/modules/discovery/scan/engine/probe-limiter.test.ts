import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { createProbeLimiter } from './probe-limiter';

describe('probe limiter', () => {
  it('never runs more probes at once than its concurrency', async () => {
    const limiter = createProbeLimiter({ concurrency: 3, ratePerSecond: 10_000 });
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limiter.run(async () => {
          running++;
          most = Math.max(most, running);
          await sleep(5);
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
  });

  it('starts no more probes than its rate allows after a short burst, and each as soon as it may', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
    try {
      const limiter = createProbeLimiter({ concurrency: 100, ratePerSecond: 100, now: () => Date.now() });
      const starts: number[] = [];
      const all = Promise.all(Array.from({ length: 30 }, () => limiter.run(async () => starts.push(Date.now()))));
      await vi.runAllTimersAsync();
      await all;
      // 100/s with a 5-token bucket: a burst of 5 at once, then one start every 10 ms of the clock.
      expect(starts).toHaveLength(30);
      expect(starts.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
      for (const [i, at] of starts.entries()) expect(at).toBeGreaterThanOrEqual((i - 4) * 10);
      expect(starts.at(-1)).toBe(250);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects waiting probes with the abort reason and never runs them', async () => {
    const controller = new AbortController();
    const limiter = createProbeLimiter({ concurrency: 1, ratePerSecond: 1_000, signal: controller.signal });
    let ran = 0;
    const first = limiter.run(async () => {
      ran++;
      await sleep(50);
    });
    const second = limiter.run(async () => {
      ran++;
    });
    controller.abort(new Error('scan stopped'));
    await expect(second).rejects.toThrow('scan stopped');
    await first;
    expect(ran).toBe(1);
    await expect(limiter.run(async () => 1)).rejects.toThrow('scan stopped');
  });
});
