import { describe, expect, it } from 'vitest';
import { graphRange } from './explore-queries';
import { parseDuration } from './explore-search';
import { chooseStep, MAX_GRAPH_POINTS, pointCount } from './query-step';

const ms = (text: string) => parseDuration(text) as number;

describe('graph step', () => {
  it('picks a round step for each preset range', () => {
    expect(chooseStep(ms('1h'))).toBe(ms('10s'));
    expect(chooseStep(ms('6h'))).toBe(ms('1m'));
    expect(chooseStep(ms('24h'))).toBe(ms('5m'));
    expect(chooseStep(ms('7d'))).toBe(ms('30m'));
  });

  it('never goes below one second, and past a day steps in whole days', () => {
    expect(chooseStep(ms('1m'))).toBe(1000);
    expect(chooseStep(500)).toBe(1000);
    expect(chooseStep(ms('1y'))).toBe(ms('1d'));
    expect(chooseStep(ms('10y'))).toBe(ms('8d'));
  });

  it('keeps every range at or under the point budget, both ends counted, and uses the smallest round step that does', () => {
    for (let range = 1000; range <= ms('10y'); range = Math.ceil(range * 1.37)) {
      const step = chooseStep(range);
      expect(pointCount(range, step), `range ${range}`).toBeLessThanOrEqual(MAX_GRAPH_POINTS);
      expect(step).toBeGreaterThanOrEqual(1000);
    }
    // Exactly at the edge: 499 steps of 10 s are 500 points; one millisecond more needs the next step.
    expect(chooseStep(499 * 10_000)).toBe(10_000);
    expect(chooseStep(499 * 10_000 + 1)).toBe(15_000);
  });

  it('honours a smaller point budget', () => {
    expect(chooseStep(ms('1h'), 61)).toBe(ms('1m'));
    expect(pointCount(ms('1h'), ms('1m'))).toBe(61);
  });

  it('starts a graph a whole number of steps before its end, so that the last point is the end', () => {
    const end = Date.UTC(2026, 11, 4, 10, 0, 7);
    expect(graphRange('up', ms('1h'), end)).toEqual({ query: 'up', startMs: end - ms('1h'), endMs: end, stepMs: ms('10s') });
    // A zoomed span of 1h0m3s: step 10s, so 361 steps (one more than the span holds whole), 362 points.
    const zoomed = graphRange('up', ms('1h') + 3000, end);
    expect(zoomed.stepMs).toBe(ms('10s'));
    expect(zoomed.startMs).toBe(end - 361 * ms('10s'));
    expect(pointCount(zoomed.endMs - zoomed.startMs, zoomed.stepMs)).toBeLessThanOrEqual(MAX_GRAPH_POINTS);
  });
});
