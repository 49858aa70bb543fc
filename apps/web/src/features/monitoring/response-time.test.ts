import { describe, expect, it } from 'vitest';
import { percentileQuery } from './ResponseTimePanel';

describe('response-time percentiles', () => {
  it("asks the metric store for one check's durations, its id quoted as a PromQL string", () => {
    expect(percentileQuery('0190a000-0000-7000-8000-000000000001', 0.95)).toBe(
      'quantile_over_time(0.95, estate_check_duration_seconds{check_id="0190a000-0000-7000-8000-000000000001"}[300s])',
    );
    expect(percentileQuery('a"b', 0.5)).toContain('{check_id="a\\"b"}');
  });
});
