import { describe, expect, it } from 'vitest';
import { LatenessRecord } from './lateness-record';

describe('the lateness record', () => {
  it('keeps a cumulative histogram in seconds with +Inf last', () => {
    const record = new LatenessRecord();
    for (const ms of [0, 3, 7, 40, 900, 4_000, 400_000, 10_000_000]) record.record(ms, 1_000);
    const s = record.snapshot(1_000);
    expect(s.count).toBe(8);
    expect(s.sumSeconds).toBeCloseTo(10_404.95, 6);
    const at = (le: number) => s.buckets.find((b) => b.le === le)?.count;
    expect([at(0.005), at(0.01), at(0.05), at(1), at(5), at(600), at(Number.POSITIVE_INFINITY)]).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(s.buckets.at(-1)?.le).toBe(Number.POSITIVE_INFINITY);
  });

  it('estimates p99 over a sliding window within a bucket width, and forgets what left the window', () => {
    const record = new LatenessRecord({ windowMs: 60_000, windowParts: 6 });
    // 990 runs a few ms late and 10 runs 2 s late in the same minute: p99 is the last of the small ones' bucket.
    for (let i = 0; i < 990; i++) record.record(4, 5_000 + i);
    for (let i = 0; i < 10; i++) record.record(2_000, 6_000 + i);
    let s = record.snapshot(30_000);
    expect(s.windowRuns).toBe(1000);
    expect(s.p99Seconds).toBeGreaterThanOrEqual(0.004);
    expect(s.p99Seconds).toBeLessThan(0.0045);
    expect(s.maxSeconds).toBe(2);
    // Eleven late runs among 1001 put p99 among the late ones (the bucket's bound, capped by the largest seen).
    record.record(2_000, 7_000);
    s = record.snapshot(30_000);
    expect(s.p99Seconds).toBe(2);
    // A minute and more later the window is empty; the cumulative figures stay.
    s = record.snapshot(75_000);
    expect(s).toMatchObject({ windowRuns: 0, p99Seconds: 0, maxSeconds: 0, count: 1001 });
    record.record(300_000, 80_000);
    expect(record.snapshot(80_000)).toMatchObject({ windowRuns: 1, p99Seconds: 300, maxSeconds: 300 });
  });
});
