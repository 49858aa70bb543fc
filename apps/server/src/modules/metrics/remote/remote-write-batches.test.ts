import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../store/metric-store';
import { planWrites } from './remote-write-batches';

const up = (instance: string, t: number, v: number): MetricSample => ({ labels: { instance, __name__: 'up', job: 'node' }, t, v });

describe('remote_write batches', () => {
  it('groups samples by series, labels sorted by name and samples in time order, remembering each index', () => {
    const plan = planWrites([up('b', 2000, 1), up('a', 2000, 1), up('b', 1000, 0), up('a', 1000, 1)], 100);
    expect(plan.rejected).toEqual([]);
    expect(plan.batches).toEqual([
      {
        series: [
          {
            labels: [
              ['__name__', 'up'],
              ['instance', 'b'],
              ['job', 'node'],
            ],
            samples: [
              [1000, 0],
              [2000, 1],
            ],
          },
          {
            labels: [
              ['__name__', 'up'],
              ['instance', 'a'],
              ['job', 'node'],
            ],
            samples: [
              [1000, 1],
              [2000, 1],
            ],
          },
        ],
        indexes: [2, 0, 3, 1],
      },
    ]);
  });

  it('cuts requests at the sample limit, splitting a long series across them', () => {
    const samples = Array.from({ length: 11 }, (_, i) => up(i < 8 ? 'a' : 'b', 1000 * i, i));
    const plan = planWrites(samples, 5);
    expect(plan.batches.map((b) => b.indexes)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10]]);
    expect(plan.batches[1]?.series.map((s) => s.samples.length)).toEqual([3, 2]);
    // The same samples give the same requests, so a resend after a partial failure repeats the acknowledged ones.
    expect(planWrites(samples, 5)).toEqual(plan);
  });

  it('settles bad samples and repeats within the call without sending them', () => {
    const plan = planWrites(
      [
        up('a', 1000, 1),
        { labels: { job: 'x' }, t: 1000, v: 1 },
        up('a', 1000, 1),
        up('a', 1000, 2),
        up('a', 1.5, 1),
        { labels: { __name__: 'up', '': 'x' }, t: 1000, v: 1 },
        { labels: { __name__: 'up', job: 'node', instance: 'a', zone: '' }, t: 2000, v: Number.NaN },
      ],
      100,
    );
    expect(plan.duplicates).toBe(1);
    expect(plan.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'invalid'],
      [3, 'duplicate_timestamp'],
      [4, 'invalid'],
      [5, 'invalid'],
    ]);
    // An empty label is an absent one: the last sample belongs to the same series.
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]?.series).toHaveLength(1);
    expect(plan.batches[0]?.indexes).toEqual([0, 6]);
  });
});
