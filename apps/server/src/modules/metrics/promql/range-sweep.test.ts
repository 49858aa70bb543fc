import { describe, expect, it } from 'vitest';
import { PromqlEngine } from './engine';
import { InMemorySeriesSource, type SeriesData } from './series-source';

/**
 * A range query answers rate, increase and delta (and aggregations of them) for every step at once (range-sweep.ts).
 * Each step of its answer must equal the instant query at that time, which walks the samples the plain way.
 */

/** A small deterministic generator, so a failure names its seed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Counters and gauges with regular or jittered scrapes, gaps, counter resets and stale markers. */
function seriesFor(seed: number): SeriesData[] {
  const next = random(seed);
  const out: SeriesData[] = [];
  for (let i = 0; i < 12; i++) {
    const samples: Array<[number, number]> = [];
    const stale: number[] = [];
    // Half the series are scraped on the minute's quarters, so samples fall exactly on window edges.
    const aligned = i % 2 === 0;
    let t = aligned ? 0 : Math.floor(next() * 60_000);
    let v = Math.floor(next() * 100);
    while (t < 3_600_000) {
      if (next() < 0.03) {
        stale.push(t);
        samples.push([t, Number.NaN]);
      } else {
        v = next() < 0.03 ? Math.floor(next() * 10) : v + Math.floor(next() * 20) - (i % 3 === 0 ? 8 : 0);
        samples.push([t, v]);
      }
      t += next() < 0.05 ? 420_000 : aligned ? 15_000 * (1 + Math.floor(next() * 2)) : 10_000 + Math.floor(next() * 30_000);
    }
    out.push({ labels: { __name__: i % 4 === 3 ? 'other_total' : 'work_total', job: `j${i % 3}`, instance: `i${i}` }, samples, stale });
  }
  return out;
}

const QUERIES = [
  'rate(work_total[5m])',
  'increase(work_total[2m])',
  'delta(work_total[7m])',
  'rate(work_total[5m] offset 3m)',
  'rate(work_total[5m] @ 1800)',
  'sum(rate(work_total[5m]))',
  'sum by (job) (increase(work_total[10m]))',
  'avg without (instance) (rate(work_total[3m]))',
  'count by (job) (delta(work_total[5m]))',
  'max by (job) (rate({job=~"j.*"}[4m]))',
  'min(rate(work_total[1m]))',
  'stddev by (job) (rate(work_total[5m]))',
  'group by (job) (rate(work_total[5m]))',
  'sum(rate(work_total[5m])) / count(rate(work_total[5m]))',
  'max_over_time(sum(rate(work_total[2m]))[10m:1m])',
];

describe('range queries answer rate & co. for every step at once, as an instant query at each step would', () => {
  for (const closedRanges of [false, true]) {
    for (const seed of [1, 7, 42]) {
      it(`seed ${seed}${closedRanges ? ', closed ranges' : ''}`, async () => {
        const engine = new PromqlEngine(new InMemorySeriesSource(seriesFor(seed)), { closedRanges });
        for (const query of QUERIES) {
          const start = 600_000;
          const end = 3_300_000;
          const step = 60_000;
          const range = await engine.evalRange(query, start, end, step);
          if (range.resultType !== 'matrix') throw new Error('a range query answers a matrix');
          const byStep = new Map<number, Map<string, string>>();
          for (const row of range.result) {
            for (const [t, v] of row.values) {
              const at = byStep.get(t) ?? new Map<string, string>();
              at.set(JSON.stringify(row.metric), v);
              byStep.set(t, at);
            }
          }
          let answered = 0;
          for (let t = start; t <= end; t += step) {
            const instant = await engine.evalInstant(query, t);
            if (instant.resultType !== 'vector') throw new Error('an instant query answers a vector');
            const want = new Map(instant.result.map((r) => [JSON.stringify(r.metric), r.value[1]]));
            expect(byStep.get(t / 1000) ?? new Map(), `${query} at ${t / 1000}`).toEqual(want);
            answered += want.size;
          }
          expect(answered, `${query} answers something`).toBeGreaterThan(0);
        }
      });
    }
  }

  it('a label set repeated once names are dropped still fails, at the step where both series answer', async () => {
    const engine = new PromqlEngine(
      new InMemorySeriesSource([
        { labels: { __name__: 'a_total', job: 'x' }, samples: Array.from({ length: 21 }, (_, i) => [i * 30_000, i] as [number, number]) },
        {
          labels: { __name__: 'b_total', job: 'x' },
          samples: [
            [500_000, 1],
            [530_000, 2],
          ],
        },
      ]),
    );
    // Before b_total starts, only a_total answers: fine.
    await expect(engine.evalRange('rate({job="x"}[1m])', 60_000, 120_000, 60_000)).resolves.toBeDefined();
    await expect(engine.evalRange('sum(rate({job="x"}[1m]))', 60_000, 120_000, 60_000)).resolves.toBeDefined();
    await expect(engine.evalRange('rate({job="x"}[1m])', 60_000, 600_000, 60_000)).rejects.toThrow(/same labelset/);
    await expect(engine.evalRange('sum(rate({job="x"}[1m]))', 60_000, 600_000, 60_000)).rejects.toThrow(/same labelset/);
  });
});
