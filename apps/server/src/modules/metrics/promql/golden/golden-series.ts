/**
 * The series the golden PromQL test loads into Estate and into a real Prometheus, the same bytes to both: counters
 * (one with a reset), gauges (one negative, one with a gap), a classic histogram and up/down targets, every 15 s over
 * 50 minutes. Samples sit 317 ms off the whole second, so no sample falls on a window's edge and Prometheus 2's closed
 * windows and Prometheus 3's left-open ones hold the same samples. Counters start far from zero: Prometheus 3 changed
 * how rate() stops extrapolating at a counter's zero point before a window's first sample, and Debian's Prometheus is 2.
 */
import type { WriteSeries } from '@estate/tsdb';
import { seededRandom as random } from '../../../../../test/seeded-random';

export const GOLDEN_STEP_MS = 15_000;
export const GOLDEN_SPAN_MS = 50 * 60_000;
const JITTER_MS = 317;

/** The golden series, their first sample at `base` (+ the jitter). */
export function goldenSeries(base: number): WriteSeries[] {
  const rnd = random(20261204);
  const times = Array.from({ length: GOLDEN_SPAN_MS / GOLDEN_STEP_MS + 1 }, (_, i) => base + JITTER_MS + i * GOLDEN_STEP_MS);
  const out: WriteSeries[] = [];
  const add = (
    labels: Record<string, string>,
    value: (i: number, previous: number) => number,
    keep: (i: number) => boolean = () => true,
  ) => {
    let v = 0;
    const samples: Array<[number, number]> = [];
    times.forEach((t, i) => {
      v = value(i, v);
      if (keep(i)) samples.push([t, v]);
    });
    out.push({ labels: Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)), samples });
  };

  for (const instance of ['a:8080', 'b:8080', 'c:8080']) {
    for (const method of ['GET', 'POST']) {
      for (const code of ['200', '500']) {
        const scale = (code === '200' ? 20 : 1) * (method === 'GET' ? 3 : 1);
        const resetAt = instance === 'c:8080' && code === '200' ? 120 : -1;
        add({ __name__: 'http_requests_total', job: 'api', instance, method, code }, (i, prev) =>
          i === resetAt ? Math.floor(rnd() * 5) : (i === 0 ? 100_000 : prev) + Math.floor(rnd() * scale),
        );
      }
    }
    for (const cpu of ['0', '1']) {
      for (const mode of ['idle', 'user', 'system']) {
        const share = mode === 'idle' ? 10 : mode === 'user' ? 4 : 1;
        add(
          { __name__: 'node_cpu_seconds_total', job: 'node', instance, cpu, mode },
          (i, prev) => (i === 0 ? 50_000 : prev) + share * (0.5 + rnd()),
        );
      }
    }
    add({ __name__: 'memory_used_bytes', job: 'node', instance }, (i, prev) =>
      i === 0 ? 2e9 + rnd() * 1e9 : Math.max(1e8, prev + (rnd() - 0.5) * 5e7),
    );
    add({ __name__: 'up', job: 'node', instance }, (i) => (instance === 'b:8080' && i > 150 && i < 170 ? 0 : 1));
  }
  for (const room of ['hall', 'lab', 'cold-store']) {
    const mean = room === 'cold-store' ? -18 : room === 'lab' ? 21 : 19;
    add({ __name__: 'temperature_celsius', room }, () => Math.round((mean + (rnd() - 0.5) * 4) * 100) / 100);
  }
  // A gauge with a 10-minute gap in the middle, longer than the 5-minute lookback.
  for (const queue of ['mail', 'print']) {
    add(
      { __name__: 'queue_depth', queue },
      () => Math.floor(rnd() * 40),
      (i) => queue === 'print' || i < 80 || i > 120,
    );
  }
  // A classic histogram of request durations per instance: cumulative buckets, _sum and _count.
  const bounds = ['0.05', '0.1', '0.25', '0.5', '1', '+Inf'];
  for (const instance of ['a:8080', 'b:8080']) {
    const counts = bounds.map((_, k) => 10_000 * (k + 1));
    let sum = 20_000;
    const perStep = times.map(() => {
      const observations = Array.from({ length: 5 + Math.floor(rnd() * 20) }, () => rnd() ** 2 * 1.5);
      for (const o of observations) {
        sum += o;
        bounds.forEach((b, k) => {
          if (b === '+Inf' || o <= Number(b)) counts[k] = (counts[k] as number) + 1;
        });
      }
      return { counts: [...counts], sum };
    });
    bounds.forEach((le, k) => {
      add({ __name__: 'request_duration_seconds_bucket', job: 'api', instance, le }, (i) => perStep[i]?.counts[k] as number);
    });
    add({ __name__: 'request_duration_seconds_sum', job: 'api', instance }, (i) => perStep[i]?.sum as number);
    add({ __name__: 'request_duration_seconds_count', job: 'api', instance }, (i) => perStep[i]?.counts[bounds.length - 1] as number);
  }
  return out;
}
