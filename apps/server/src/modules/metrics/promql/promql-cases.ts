/*
 * PromQL cases with expected answers worked out by hand from Prometheus' documented semantics (the arithmetic is in
 * the comments). The series and queries are plain data so a golden test can load the same series into a real
 * Prometheus and compare. Times are seconds; each case runs as an instant query at `at` (default 600) or, when
 * `range` is set, as a range query.
 */
import type { SeriesData } from './series-source';

type Labels = Record<string, string>;

export type Expected =
  | { vector: Array<[Labels, number]>; ordered?: boolean }
  | { scalar: number }
  | { string: string }
  | { matrix: Array<[Labels, Array<[number, number]>]> }
  | { error: RegExp };

export interface PromqlCase {
  query: string;
  /** Instant query time in seconds; 600 when neither this nor range is set. */
  at?: number;
  range?: { start: number; end: number; step: number };
  expected: Expected;
}

/** Samples every `every` seconds from `from` to `to`, value f(t). */
function every(from: number, to: number, step: number, f: (t: number) => number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = from; t <= to; t += step) out.push([t * 1000, f(t)]);
  return out;
}

const series = (labels: Labels, samples: Array<[number, number]>): SeriesData => ({ labels, samples });
const TEMPS = [10, 12, 11, 15, 14, 18, 17, 20, 19, 22, 21];

export const PROMQL_SERIES: SeriesData[] = [
  // A counter rising 10 per 15 s: rate 2/3 per second.
  series(
    { __name__: 'http_requests_total', job: 'api', instance: 'a' },
    every(0, 600, 15, (t) => (t / 15) * 10),
  ),
  // 5 per 15 s, reset to 0 after t=300 (5 at 315).
  series(
    { __name__: 'http_requests_total', job: 'api', instance: 'b' },
    every(0, 600, 15, (t) => (t <= 300 ? (t / 15) * 5 : ((t - 300) / 15) * 5)),
  ),
  // Counters that start inside the window.
  series({ __name__: 'late_counter' }, [
    [570_000, 100],
    [585_000, 110],
    [600_000, 120],
  ]),
  series({ __name__: 'fresh_counter' }, [
    [570_000, 2],
    [585_000, 12],
    [600_000, 22],
  ]),
  // A gauge every minute: t=60i → TEMPS[i].
  series(
    { __name__: 'temp', room: 'x' },
    every(0, 600, 60, (t) => TEMPS[t / 60] ?? 0),
  ),
  // A series ended by a stale marker at 30 s.
  {
    labels: { __name__: 'gone' },
    samples: [
      [0, 1],
      [15_000, 2],
    ],
    stale: [30_000],
  },
  series(
    { __name__: 'mem', host: 'h1', dc: 'eu' },
    every(0, 600, 60, () => 10),
  ),
  series(
    { __name__: 'mem', host: 'h2', dc: 'eu' },
    every(0, 600, 60, () => 20),
  ),
  series(
    { __name__: 'mem', host: 'h3', dc: 'us' },
    every(0, 600, 60, () => 30),
  ),
  series(
    { __name__: 'mem', host: 'h4', dc: 'us' },
    every(0, 600, 60, () => 60),
  ),
  series(
    { __name__: 'limit', host: 'h1' },
    every(0, 600, 60, () => 100),
  ),
  series(
    { __name__: 'limit', host: 'h2' },
    every(0, 600, 60, () => 40),
  ),
  series(
    { __name__: 'dc_info', dc: 'eu', region: 'europe' },
    every(0, 600, 60, () => 1),
  ),
  series(
    { __name__: 'dc_info', dc: 'us', region: 'america' },
    every(0, 600, 60, () => 1),
  ),
  series(
    { __name__: 'req_bucket', le: '0.1' },
    every(0, 600, 60, () => 50),
  ),
  series(
    { __name__: 'req_bucket', le: '0.5' },
    every(0, 600, 60, () => 80),
  ),
  series(
    { __name__: 'req_bucket', le: '1' },
    every(0, 600, 60, () => 90),
  ),
  series(
    { __name__: 'req_bucket', le: '+Inf' },
    every(0, 600, 60, () => 100),
  ),
];

const A = { job: 'api', instance: 'a' };
const B = { job: 'api', instance: 'b' };
const MEM = (host: string, dc: string) => ({ __name__: 'mem', host, dc });
const HOST = (host: string, dc: string) => ({ host, dc });

export const PROMQL_CASES: PromqlCase[] = [
  // --- rate family: window (540, 600] holds 555..600 = 370..400, +30 over 45 s; 15 s to the start is under the
  // 1.1 × 15 s threshold, so extrapolate to 60 s: 30 × 60/45 / 60 = 2/3.
  { query: 'rate(http_requests_total{instance="a"}[1m])', expected: { vector: [[A, 2 / 3]] } },
  { query: 'increase(http_requests_total{instance="a"}[1m])', expected: { vector: [[A, 40]] } },
  // At 360 over 2m: 255..360 = 85,90,95,100,5,10,15,20: 20-85+100 (reset) = 35 over 105 s, extrapolated 15 s to
  // the start: 35 × 120/105 = 40, rate 40/120.
  { query: 'increase(http_requests_total{instance="b"}[2m])', at: 360, expected: { vector: [[B, 40]] } },
  { query: 'rate(http_requests_total{instance="b"}[2m])', at: 360, expected: { vector: [[B, 1 / 3]] } },
  // Starts inside the window: 30 s to the start ≥ 16.5 s, so only half an interval (7.5 s): 20 × 37.5/30.
  { query: 'increase(late_counter[1m])', expected: { vector: [[{}, 25]] } },
  { query: 'rate(late_counter[1m])', expected: { vector: [[{}, 25 / 60]] } },
  // Zero point: 2 → 22 over 30 s reaches 0 at 3 s before the first sample, sooner than 7.5 s: 20 × 33/30.
  { query: 'increase(fresh_counter[1m])', expected: { vector: [[{}, 22]] } },
  // irate over a reset: 100 → 5 counts as 5 over 15 s.
  { query: 'irate(http_requests_total{instance="b"}[1m])', at: 315, expected: { vector: [[B, 1 / 3]] } },
  { query: 'irate(http_requests_total{instance="a"}[1m])', expected: { vector: [[A, 2 / 3]] } },
  // Gauge: (300, 600] = 17,20,19,22,21 at 360..600. delta: 4 over 240 s, extrapolated 60 s to the start: 4 × 300/240.
  { query: 'delta(temp[5m])', expected: { vector: [[{ room: 'x' }, 5]] } },
  { query: 'idelta(temp[5m])', expected: { vector: [[{ room: 'x' }, -1]] } },
  { query: 'max_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 22]] } },
  { query: 'min_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 17]] } },
  { query: 'avg_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 19.8]] } },
  { query: 'sum_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 99]] } },
  { query: 'count_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 5]] } },
  // last_over_time keeps the metric name.
  { query: 'last_over_time(temp[5m])', expected: { vector: [[{ __name__: 'temp', room: 'x' }, 21]] } },
  // Sorted 17,19,20,21,22: rank 0.9 × 4 = 3.6 → 21 × 0.4 + 22 × 0.6.
  { query: 'quantile_over_time(0.9, temp[5m])', expected: { vector: [[{ room: 'x' }, 21.6]] } },
  { query: 'quantile_over_time(0.5, temp[5m])', expected: { vector: [[{ room: 'x' }, 20]] } },
  // Squared deviations from 19.8: 7.84 + 0.04 + 0.64 + 4.84 + 1.44 = 14.8, / 5.
  { query: 'stdvar_over_time(temp[5m])', expected: { vector: [[{ room: 'x' }, 2.96]] } },
  // Slope: Σ(x-x̄)(y-ȳ) = 600 over Σ(x-x̄)² = 36000 → 1/60 per second.
  { query: 'deriv(temp[5m])', expected: { vector: [[{ room: 'x' }, 1 / 60]] } },
  // Intercept at 600: 19.8 + 120/60 = 21.8, plus 600 × 1/60.
  { query: 'predict_linear(temp[5m], 600)', expected: { vector: [[{ room: 'x' }, 31.8]] } },
  // Stale markers: not counted, and they end the series for instant selectors.
  { query: 'count_over_time(gone[1m])', at: 45, expected: { vector: [[{}, 2]] } },
  { query: 'gone', at: 29, expected: { vector: [[{ __name__: 'gone' }, 2]] } },
  { query: 'gone', at: 45, expected: { vector: [] } },

  // --- selectors: 5-minute lookback, offset, @.
  { query: 'temp', at: 650, expected: { vector: [[{ __name__: 'temp', room: 'x' }, 21]] } },
  { query: 'temp', at: 899, expected: { vector: [[{ __name__: 'temp', room: 'x' }, 21]] } },
  { query: 'temp', at: 950, expected: { vector: [] } },
  { query: 'temp offset 2m', expected: { vector: [[{ __name__: 'temp', room: 'x' }, 19]] } },
  { query: 'temp @ 300', at: 0, expected: { vector: [[{ __name__: 'temp', room: 'x' }, 18]] } },
  { query: 'temp @ 300 offset 1m', expected: { vector: [[{ __name__: 'temp', room: 'x' }, 14]] } },
  { query: 'max_over_time(temp[5m] offset 5m)', expected: { vector: [[{ room: 'x' }, 18]] } },
  { query: 'rate(http_requests_total{instance="a"}[1m] @ 300)', at: 1000, expected: { vector: [[A, 2 / 3]] } },
  {
    query: '{__name__=~"mem|limit", host="h1"}',
    expected: {
      vector: [
        [MEM('h1', 'eu'), 10],
        [{ __name__: 'limit', host: 'h1' }, 100],
      ],
    },
  },
  { query: 'mem{dc!="eu", host!~"h3"}', expected: { vector: [[MEM('h4', 'us'), 60]] } },

  {
    query: 'mem{host=~"(?i)H1|h2"}',
    expected: {
      vector: [
        [MEM('h1', 'eu'), 10],
        [MEM('h2', 'eu'), 20],
      ],
    },
  },

  // --- aggregations.
  {
    query: 'sum by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 30],
        [{ dc: 'us' }, 90],
      ],
    },
  },
  {
    query: 'sum without (host) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 30],
        [{ dc: 'us' }, 90],
      ],
    },
  },
  { query: 'sum(mem)', expected: { vector: [[{}, 120]] } },
  {
    query: 'avg by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 15],
        [{ dc: 'us' }, 45],
      ],
    },
  },
  {
    query: 'min by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 10],
        [{ dc: 'us' }, 30],
      ],
    },
  },
  {
    query: 'max(mem) by (dc)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 20],
        [{ dc: 'us' }, 60],
      ],
    },
  },
  {
    query: 'count by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 2],
        [{ dc: 'us' }, 2],
      ],
    },
  },
  {
    query: 'group by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 1],
        [{ dc: 'us' }, 1],
      ],
    },
  },
  // Mean 30; squared deviations 400 + 100 + 0 + 900 = 1400, / 4.
  { query: 'stdvar(mem)', expected: { vector: [[{}, 350]] } },
  { query: 'stddev(mem)', expected: { vector: [[{}, Math.sqrt(350)]] } },
  // 10,20,30,60: rank 0.5 × 3 = 1.5 → 25.
  { query: 'quantile(0.5, mem)', expected: { vector: [[{}, 25]] } },
  { query: 'topk(1, mem)', expected: { vector: [[MEM('h4', 'us'), 60]] } },
  {
    query: 'topk by (dc) (1, mem)',
    expected: {
      vector: [
        [MEM('h2', 'eu'), 20],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  {
    query: 'bottomk(2, mem)',
    expected: {
      vector: [
        [MEM('h1', 'eu'), 10],
        [MEM('h2', 'eu'), 20],
      ],
      ordered: true,
    },
  },
  // floor(mem / 20) = 0, 1, 1, 3.
  {
    query: 'count_values("v", floor(mem / 20))',
    expected: {
      vector: [
        [{ v: '0' }, 1],
        [{ v: '1' }, 2],
        [{ v: '3' }, 1],
      ],
    },
  },

  // --- binary operators.
  { query: '1 + 2 * 3', expected: { scalar: 7 } },
  { query: '2 ^ 3 ^ 2', expected: { scalar: 512 } },
  { query: '5 % 3 - -1', expected: { scalar: 3 } },
  { query: '1 > bool 2', expected: { scalar: 0 } },
  {
    query: 'mem * 2',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 20],
        [HOST('h2', 'eu'), 40],
        [HOST('h3', 'us'), 60],
        [HOST('h4', 'us'), 120],
      ],
    },
  },
  { query: '-mem{host="h1"}', expected: { vector: [[HOST('h1', 'eu'), -10]] } },
  // Comparisons filter and keep the name; with bool they answer 0/1 and drop it.
  {
    query: 'mem > 25',
    expected: {
      vector: [
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  {
    query: '25 < mem',
    expected: {
      vector: [
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  {
    query: 'mem{dc="eu"} > bool 15',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 0],
        [HOST('h2', 'eu'), 1],
      ],
    },
  },
  {
    query: 'mem / on(host) limit',
    expected: {
      vector: [
        [{ host: 'h1' }, 0.1],
        [{ host: 'h2' }, 0.5],
      ],
    },
  },
  {
    query: 'mem / ignoring(dc) limit',
    expected: {
      vector: [
        [{ host: 'h1' }, 0.1],
        [{ host: 'h2' }, 0.5],
      ],
    },
  },
  {
    query: 'mem < on(host) limit',
    expected: {
      vector: [
        [{ host: 'h1' }, 10],
        [{ host: 'h2' }, 20],
      ],
    },
  },
  {
    query: 'mem * on(dc) group_left(region) dc_info',
    expected: {
      vector: [
        [{ host: 'h1', dc: 'eu', region: 'europe' }, 10],
        [{ host: 'h2', dc: 'eu', region: 'europe' }, 20],
        [{ host: 'h3', dc: 'us', region: 'america' }, 30],
        [{ host: 'h4', dc: 'us', region: 'america' }, 60],
      ],
    },
  },
  {
    query: 'dc_info{dc="eu"} * on(dc) group_right(region) mem',
    expected: {
      vector: [
        [{ host: 'h1', dc: 'eu', region: 'europe' }, 10],
        [{ host: 'h2', dc: 'eu', region: 'europe' }, 20],
      ],
    },
  },
  {
    query: 'mem and on(host) limit',
    expected: {
      vector: [
        [MEM('h1', 'eu'), 10],
        [MEM('h2', 'eu'), 20],
      ],
    },
  },
  {
    query: 'mem unless on(host) limit',
    expected: {
      vector: [
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  {
    query: 'limit or on(host) mem',
    expected: {
      vector: [
        [{ __name__: 'limit', host: 'h1' }, 100],
        [{ __name__: 'limit', host: 'h2' }, 40],
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  { query: 'mem * on(dc) dc_info', expected: { error: /many-to-one matching must be explicit/ } },
  { query: 'dc_info * on(dc) mem', expected: { error: /duplicate series for the match group/ } },

  // --- functions.
  {
    query: 'abs(mem - 25)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 15],
        [HOST('h2', 'eu'), 5],
        [HOST('h3', 'us'), 5],
        [HOST('h4', 'us'), 35],
      ],
    },
  },
  {
    query: 'clamp(mem, 15, 35)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 15],
        [HOST('h2', 'eu'), 20],
        [HOST('h3', 'us'), 30],
        [HOST('h4', 'us'), 35],
      ],
    },
  },
  {
    query: 'clamp_max(mem, 25)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 10],
        [HOST('h2', 'eu'), 20],
        [HOST('h3', 'us'), 25],
        [HOST('h4', 'us'), 25],
      ],
    },
  },
  {
    query: 'clamp_min(mem{dc="eu"}, 15)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 15],
        [HOST('h2', 'eu'), 20],
      ],
    },
  },
  { query: 'clamp(mem, 5, 1)', expected: { vector: [] } },
  // 10/3 = 3.33 and 20/3 = 6.67 to the nearest 0.5: floor(6.67 + 0.5)/2 = 3.5, floor(13.33 + 0.5)/2 = 6.5.
  {
    query: 'round(mem{dc="eu"} / 3)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 3],
        [HOST('h2', 'eu'), 7],
      ],
    },
  },
  {
    query: 'round(mem{dc="eu"} / 3, 0.5)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 3.5],
        [HOST('h2', 'eu'), 6.5],
      ],
    },
  },
  {
    query: 'ceil(mem{dc="eu"} / 3)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 4],
        [HOST('h2', 'eu'), 7],
      ],
    },
  },
  {
    query: 'floor(mem{dc="eu"} / 3)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 3],
        [HOST('h2', 'eu'), 6],
      ],
    },
  },
  { query: 'time()', expected: { scalar: 600 } },
  { query: 'vector(1)', expected: { vector: [[{}, 1]] } },
  { query: 'scalar(limit{host="h1"})', expected: { scalar: 100 } },
  { query: 'scalar(limit)', expected: { scalar: Number.NaN } },
  { query: 'absent(nonexistent{job="x", env=~"p.*"})', expected: { vector: [[{ job: 'x' }, 1]] } },
  { query: 'absent(mem)', expected: { vector: [] } },
  // 100 observations: φ=0.5 → rank 50 reaches 50 in the first bucket (0, 0.1]; φ=0.75 → rank 75 lies 25 of 30
  // into (0.1, 0.5]; φ=0.95 falls in +Inf, answering the highest finite bound.
  { query: 'histogram_quantile(0.5, req_bucket)', expected: { vector: [[{}, 0.1]] } },
  { query: 'histogram_quantile(0.75, req_bucket)', expected: { vector: [[{}, 0.1 + (0.4 * 25) / 30]] } },
  { query: 'histogram_quantile(0.9, req_bucket)', expected: { vector: [[{}, 1]] } },
  { query: 'histogram_quantile(0.95, req_bucket)', expected: { vector: [[{}, 1]] } },
  {
    query: 'label_replace(mem{dc="eu"}, "n", "node-$1", "host", "h(.*)")',
    expected: {
      vector: [
        [{ ...MEM('h1', 'eu'), n: 'node-1' }, 10],
        [{ ...MEM('h2', 'eu'), n: 'node-2' }, 20],
      ],
    },
  },
  { query: 'label_replace(mem{host="h1"}, "n", "$1", "host", "x(.*)")', expected: { vector: [[MEM('h1', 'eu'), 10]] } },
  { query: 'label_join(mem{host="h1"}, "id", "-", "dc", "host")', expected: { vector: [[{ ...MEM('h1', 'eu'), id: 'eu-h1' }, 10]] } },
  {
    query: 'sort_desc(mem)',
    expected: {
      vector: [
        [MEM('h4', 'us'), 60],
        [MEM('h3', 'us'), 30],
        [MEM('h2', 'eu'), 20],
        [MEM('h1', 'eu'), 10],
      ],
      ordered: true,
    },
  },
  {
    query: 'sort(mem)',
    expected: {
      vector: [
        [MEM('h1', 'eu'), 10],
        [MEM('h2', 'eu'), 20],
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
      ordered: true,
    },
  },

  // --- subqueries: [5m:2m] at 600 evaluates at 360, 480, 600 (aligned to 2m, after 300).
  { query: 'min_over_time(temp[5m:2m])', expected: { vector: [[{ room: 'x' }, 17]] } },
  { query: 'count_over_time(temp[5m:2m])', expected: { vector: [[{ room: 'x' }, 3]] } },
  { query: 'avg_over_time(rate(http_requests_total{instance="a"}[1m])[2m:1m])', expected: { vector: [[A, 2 / 3]] } },

  // --- more combinations.
  // (300, 600] holds 315..600: a rises 190 over 285 s, b 95 (5 → 100, after its reset); 15 s to the start is within
  // the threshold (and b's zero point is exactly 15 s away), so both extrapolate to 300 s.
  {
    query: 'rate(http_requests_total[5m])',
    expected: {
      vector: [
        [A, 2 / 3],
        [B, 1 / 3],
      ],
    },
  },
  { query: 'sum by (job) (rate(http_requests_total[5m]))', expected: { vector: [[{ job: 'api' }, 1]] } },
  {
    query: 'http_requests_total offset 5m',
    expected: {
      vector: [
        [{ __name__: 'http_requests_total', ...A }, 200],
        [{ __name__: 'http_requests_total', ...B }, 100],
      ],
    },
  },
  // (0, 300] = 12,11,15,14,18: 6 over 240 s, extrapolated 60 s to the start.
  { query: 'delta(temp[5m] @ 300)', expected: { vector: [[{ room: 'x' }, 7.5]] } },
  { query: 'irate(http_requests_total{instance="b"}[1m] offset 285s)', expected: { vector: [[B, 1 / 3]] } },
  { query: 'deriv(http_requests_total{instance="a"}[5m])', expected: { vector: [[A, 2 / 3]] } },
  { query: 'predict_linear(http_requests_total{instance="a"}[5m], 60)', expected: { vector: [[A, 440]] } },
  // (0, 600] leaves out the sample at 0 (10): the smallest is 11.
  { query: 'min_over_time(temp[10m])', expected: { vector: [[{ room: 'x' }, 11]] } },
  { query: 'temp offset -1m', at: 300, expected: { vector: [[{ __name__: 'temp', room: 'x' }, 17]] } },
  { query: 'last_over_time(gone[1m])', at: 45, expected: { vector: [[{ __name__: 'gone' }, 2]] } },
  { query: 'gone', at: 20, expected: { vector: [[{ __name__: 'gone' }, 2]] } },
  // [5m:1m] at 600 evaluates at 360..600 (300 is outside the left-open window): five values above 15.
  { query: 'count_over_time((temp > 15)[5m:1m])', expected: { vector: [[{ room: 'x' }, 5]] } },
  { query: '2 * -3 ^ 2', expected: { scalar: -18 } },
  {
    query: 'sum by (__name__) ({__name__=~"mem|limit"})',
    expected: {
      vector: [
        [{ __name__: 'mem' }, 120],
        [{ __name__: 'limit' }, 140],
      ],
    },
  },
  {
    query: 'count without (host) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 2],
        [{ dc: 'us' }, 2],
      ],
    },
  },
  {
    query: 'quantile by (dc) (0.5, mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 15],
        [{ dc: 'us' }, 45],
      ],
    },
  },
  {
    query: 'stddev by (dc) (mem)',
    expected: {
      vector: [
        [{ dc: 'eu' }, 5],
        [{ dc: 'us' }, 15],
      ],
    },
  },
  { query: 'sum(mem) / count(mem)', expected: { vector: [[{}, 30]] } },
  { query: 'mem{host="h1"} + on() group_left limit{host="h2"}', expected: { vector: [[HOST('h1', 'eu'), 50]] } },
  {
    query: 'mem{dc="eu"} / on() group_left sum(limit)',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 10 / 140],
        [HOST('h2', 'eu'), 20 / 140],
      ],
    },
  },
  {
    query: 'limit - on(host) group_right mem',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 90],
        [HOST('h2', 'eu'), 20],
      ],
    },
  },
  {
    query: 'mem > bool on(host) limit',
    expected: {
      vector: [
        [{ host: 'h1' }, 0],
        [{ host: 'h2' }, 0],
      ],
    },
  },
  {
    query: 'mem and mem > 20',
    expected: {
      vector: [
        [MEM('h3', 'us'), 30],
        [MEM('h4', 'us'), 60],
      ],
    },
  },
  { query: 'vector(1) or vector(2)', expected: { vector: [[{}, 1]] } },
  { query: 'scalar(sum(mem)) * 2', expected: { scalar: 240 } },
  { query: 'time() - 600', expected: { scalar: 0 } },
  // Unary minus binds looser than ^.
  { query: '-2 ^ 2', expected: { scalar: -4 } },
  { query: 'round(vector(-2.5))', expected: { vector: [[{}, -2]] } },
  { query: 'round(vector(2.5))', expected: { vector: [[{}, 3]] } },
  // Rank 60 lies 10 of 30 into (0.1, 0.5].
  { query: 'histogram_quantile(0.6, req_bucket)', expected: { vector: [[{}, 0.1 + (0.4 * 10) / 30]] } },
  { query: 'absent(nonexistent)', expected: { vector: [[{}, 1]] } },
  {
    query: 'label_replace(mem{host="h1"}, "host", "", "host", ".*")',
    expected: { vector: [[{ __name__: 'mem', dc: 'eu' }, 10]] },
  },
  {
    query: 'label_replace(mem{host="h1"}, "__name__", "renamed", "", "")',
    expected: { vector: [[{ __name__: 'renamed', host: 'h1', dc: 'eu' }, 10]] },
  },
  {
    query: 'sort_desc(sum by (dc) (mem))',
    expected: {
      vector: [
        [{ dc: 'us' }, 90],
        [{ dc: 'eu' }, 30],
      ],
      ordered: true,
    },
  },

  // --- operators and edge values.
  {
    query: 'mem{dc="eu"} == bool 10',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 1],
        [HOST('h2', 'eu'), 0],
      ],
    },
  },
  { query: 'mem{dc="eu"} != 10', expected: { vector: [[MEM('h2', 'eu'), 20]] } },
  { query: 'mem{host="h4"} % 7', expected: { vector: [[HOST('h4', 'us'), 4]] } },
  { query: 'mem{host="h4"} ^ 0.5', expected: { vector: [[HOST('h4', 'us'), Math.sqrt(60)]] } },
  { query: 'mem{host="h1"} / 0', expected: { vector: [[HOST('h1', 'eu'), Number.POSITIVE_INFINITY]] } },
  { query: '-mem{host="h1"} / 0', expected: { vector: [[HOST('h1', 'eu'), Number.NEGATIVE_INFINITY]] } },
  { query: '0 / 0', expected: { scalar: Number.NaN } },
  { query: 'quantile(2, mem)', expected: { vector: [[{}, Number.POSITIVE_INFINITY]] } },
  { query: 'quantile(-1, mem)', expected: { vector: [[{}, Number.NEGATIVE_INFINITY]] } },
  { query: 'topk(0, mem)', expected: { vector: [] } },
  { query: 'bottomk(1.9, mem)', expected: { vector: [[MEM('h1', 'eu'), 10]] } },
  // A constant histogram has no rate: no observations, so NaN.
  { query: 'histogram_quantile(0.5, rate(req_bucket[5m]))', expected: { vector: [[{}, Number.NaN]] } },
  {
    query: 'sum by (le) (req_bucket)',
    expected: {
      vector: [
        [{ le: '0.1' }, 50],
        [{ le: '0.5' }, 80],
        [{ le: '1' }, 90],
        [{ le: '+Inf' }, 100],
      ],
    },
  },
  {
    query: 'mem{dc="eu"} * on(dc) group_left(missing) dc_info',
    expected: {
      vector: [
        [HOST('h1', 'eu'), 10],
        [HOST('h2', 'eu'), 20],
      ],
    },
  },
  // Subquery points 360..600 (1m) read 240..400: +160 over 240 s, 60 s short of the start: 160 × 300/240 / 300.
  { query: 'rate(http_requests_total{instance="a"}[5m:1m])', expected: { vector: [[A, 2 / 3]] } },

  // --- range queries.
  {
    query: 'temp',
    range: { start: 0, end: 600, step: 120 },
    expected: {
      matrix: [
        [
          { __name__: 'temp', room: 'x' },
          [
            [0, 10],
            [120, 11],
            [240, 14],
            [360, 17],
            [480, 19],
            [600, 21],
          ],
        ],
      ],
    },
  },
  {
    query: 'sum by (dc) (mem)',
    range: { start: 300, end: 600, step: 300 },
    expected: {
      matrix: [
        [
          { dc: 'eu' },
          [
            [300, 30],
            [600, 30],
          ],
        ],
        [
          { dc: 'us' },
          [
            [300, 90],
            [600, 90],
          ],
        ],
      ],
    },
  },
  {
    query: 'temp @ end()',
    range: { start: 0, end: 600, step: 300 },
    expected: {
      matrix: [
        [
          { __name__: 'temp', room: 'x' },
          [
            [0, 21],
            [300, 21],
            [600, 21],
          ],
        ],
      ],
    },
  },
  {
    query: 'time()',
    range: { start: 0, end: 120, step: 60 },
    expected: {
      matrix: [
        [
          {},
          [
            [0, 0],
            [60, 60],
            [120, 120],
          ],
        ],
      ],
    },
  },
  // A subquery without a step uses the 1-minute evaluation interval, not the range query's 5-minute step:
  // [2m:] at 300 and 600 counts the samples at 240, 300 and 540, 600.
  {
    query: 'count_over_time(temp[2m:])',
    range: { start: 300, end: 600, step: 300 },
    expected: {
      matrix: [
        [
          { room: 'x' },
          [
            [300, 2],
            [600, 2],
          ],
        ],
      ],
    },
  },
  {
    query: 'gone',
    range: { start: 0, end: 60, step: 15 },
    expected: {
      matrix: [
        [
          { __name__: 'gone' },
          [
            [0, 1],
            [15, 2],
          ],
        ],
      ],
    },
  },

  // b's reset falls between 300 and 315: each 1m window still sees 5 per 15 s.
  {
    query: 'rate(http_requests_total{instance="b"}[1m])',
    range: { start: 240, end: 420, step: 60 },
    expected: {
      matrix: [
        [
          B,
          [
            [240, 1 / 3],
            [300, 1 / 3],
            [360, 1 / 3],
            [420, 1 / 3],
          ],
        ],
      ],
    },
  },
  {
    query: 'time() > bool 300',
    range: { start: 240, end: 360, step: 60 },
    expected: {
      matrix: [
        [
          {},
          [
            [240, 0],
            [300, 0],
            [360, 1],
          ],
        ],
      ],
    },
  },
  {
    query: 'scalar(mem)',
    range: { start: 0, end: 120, step: 60 },
    expected: {
      matrix: [
        [
          {},
          [
            [0, Number.NaN],
            [60, Number.NaN],
            [120, Number.NaN],
          ],
        ],
      ],
    },
  },
  {
    query: 'absent(nonexistent{job="x"})',
    range: { start: 0, end: 60, step: 60 },
    expected: {
      matrix: [
        [
          { job: 'x' },
          [
            [0, 1],
            [60, 1],
          ],
        ],
      ],
    },
  },
  // Range results are sorted by labels whatever the expression's order.
  {
    query: 'sort_desc(mem{dc="eu"})',
    range: { start: 0, end: 60, step: 60 },
    expected: {
      matrix: [
        [
          MEM('h1', 'eu'),
          [
            [0, 10],
            [60, 10],
          ],
        ],
        [
          MEM('h2', 'eu'),
          [
            [0, 20],
            [60, 20],
          ],
        ],
      ],
    },
  },
  {
    query: 'count_values("v", mem{dc="eu"})',
    range: { start: 0, end: 60, step: 60 },
    expected: {
      matrix: [
        [
          { v: '10' },
          [
            [0, 1],
            [60, 1],
          ],
        ],
        [
          { v: '20' },
          [
            [0, 1],
            [60, 1],
          ],
        ],
      ],
    },
  },
  // At 0 the offset reaches before the first sample.
  {
    query: 'mem{host="h1"} offset 1m',
    range: { start: 0, end: 120, step: 60 },
    expected: {
      matrix: [
        [
          MEM('h1', 'eu'),
          [
            [60, 10],
            [120, 10],
          ],
        ],
      ],
    },
  },

  // --- refused, with a clear bad_data error.
  { query: 'holt_winters(temp[5m], 0.5, 0.5)', expected: { error: /unsupported PromQL function: holt_winters/ } },
  { query: 'limitk(1, mem)', expected: { error: /unsupported PromQL aggregation: limitk/ } },
  { query: 'rate(temp)', expected: { error: /expected type range vector in call to function "rate", got instant vector/ } },
  { query: 'mem[5m] + 1', expected: { error: /binary expression must contain only scalar and instant vector types/ } },
  { query: '1 > 2', expected: { error: /comparisons between scalars must use BOOL modifier/ } },
  { query: 'sum(mem', expected: { error: /parse error/ } },
  { query: '{job=~".*"}', expected: { error: /at least one non-empty matcher/ } },
  { query: 'mem{host=~"("}', expected: { error: /invalid regular expression/ } },
  {
    query: 'temp[5m]',
    range: { start: 0, end: 60, step: 15 },
    expected: { error: /invalid expression type "range vector" for range query/ },
  },
];
