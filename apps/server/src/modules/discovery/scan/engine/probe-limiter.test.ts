import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
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

  it('starts no more probes per second than its rate, after a short burst', async () => {
    const limiter = createProbeLimiter({ concurrency: 100, ratePerSecond: 100 });
    const starts: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 30 }, () => limiter.run(async () => starts.push(performance.now() - t0))));
    // 100/s with a 5-token bucket: 30 starts need at least ~250 ms.
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(230);
    expect(starts.at(-1)!).toBeLessThan(1_000);
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
