import { describe, expect, it } from 'vitest';
import { PromqlEngine, type PromqlResult } from './engine';
import { PromqlError } from './errors';
import { parsePromql } from './parse';
import { type Expected, PROMQL_CASES, PROMQL_SERIES } from './promql-cases';
import { InMemorySeriesSource } from './series-source';
import { formatFloat, isStaleNaN, STALE_NAN } from './values';

const engine = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES));

function close(actual: string, expected: number): boolean {
  const a = actual === '+Inf' ? Number.POSITIVE_INFINITY : actual === '-Inf' ? Number.NEGATIVE_INFINITY : Number(actual);
  if (Number.isNaN(expected)) return Number.isNaN(a);
  if (!Number.isFinite(expected)) return a === expected;
  return Math.abs(a - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

function check(result: PromqlResult, expected: Expected, at: number): void {
  if ('scalar' in expected) {
    expect(result.resultType).toBe('scalar');
    const [t, v] = result.result as [number, string];
    expect(t).toBe(at);
    expect(close(v, expected.scalar), `${v} ≈ ${expected.scalar}`).toBe(true);
  } else if ('vector' in expected) {
    expect(result.resultType).toBe('vector');
    const rows = result.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    const got = rows.map((r) => key(r.metric));
    const want = expected.vector.map(([l]) => key(l));
    if (expected.ordered) expect(got).toEqual(want);
    else expect([...got].sort()).toEqual([...want].sort());
    for (const [labels, value] of expected.vector) {
      const row = rows.find((r) => key(r.metric) === key(labels));
      expect(row?.value[0]).toBe(at);
      expect(close(row?.value[1] ?? '', value), `${key(labels)}: ${row?.value[1]} ≈ ${value}`).toBe(true);
    }
  } else if ('matrix' in expected) {
    expect(result.resultType).toBe('matrix');
    const rows = result.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
    expect(rows.map((r) => key(r.metric))).toEqual(expected.matrix.map(([l]) => key(l)));
    expected.matrix.forEach(([, points], i) => {
      const values = rows[i]?.values ?? [];
      expect(values.map(([t]) => t)).toEqual(points.map(([t]) => t));
      points.forEach(([, v], j) => {
        expect(close(values[j]?.[1] ?? '', v), `${values[j]?.[1]} ≈ ${v}`).toBe(true);
      });
    });
  }
}

describe('PromQL engine: hand-computed cases (promql-cases.ts)', () => {
  for (const c of PROMQL_CASES) {
    const label = c.range ? `${c.query} [${c.range.start}..${c.range.end} step ${c.range.step}]` : `${c.query} @ ${c.at ?? 600}`;
    it(label, async () => {
      const run = () =>
        c.range
          ? engine.evalRange(c.query, c.range.start * 1000, c.range.end * 1000, c.range.step * 1000)
          : engine.evalInstant(c.query, (c.at ?? 600) * 1000);
      if ('error' in c.expected) {
        const err = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(PromqlError);
        expect((err as PromqlError).message).toMatch(c.expected.error);
        return;
      }
      check(await run(), c.expected, c.at ?? 600);
    });
  }
});

describe('PromQL engine: semantics outside the shared cases', () => {
  it('answers Prometheus API shapes for scalars, strings and raw range vectors', async () => {
    expect(await engine.evalInstant('1 + 1', 600_000)).toEqual({ resultType: 'scalar', result: [600, '2'] });
    expect(await engine.evalInstant('"hello"', 1_500)).toEqual({ resultType: 'string', result: [1.5, 'hello'] });
    expect(await engine.evalInstant('gone[1m]', 45_000)).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'gone' },
          values: [
            [0, '1'],
            [15, '2'],
          ],
        },
      ],
    });
  });

  it('windows are left-open by default (Prometheus 3) and closed on request (Prometheus 2)', async () => {
    // temp's last sample is at 600 s: exactly 5 minutes before 900 s.
    expect((await engine.evalInstant('temp', 900_000)).result).toEqual([]);
    const v2 = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES), { closedRanges: true });
    expect((await v2.evalInstant('temp', 900_000)).result).toEqual([{ metric: { __name__: 'temp', room: 'x' }, value: [900, '21'] }]);
    // count_over_time(temp[2m]) at 600: (480, 600] holds 540 and 600; [480, 600] also 480.
    expect((await engine.evalInstant('count_over_time(temp[2m])', 600_000)).result).toEqual([{ metric: { room: 'x' }, value: [600, '2'] }]);
    expect((await v2.evalInstant('count_over_time(temp[2m])', 600_000)).result).toEqual([{ metric: { room: 'x' }, value: [600, '3'] }]);
  });

  it('refuses two series with one label set once the name is dropped', async () => {
    const source = new InMemorySeriesSource([
      { labels: { __name__: 'a', x: '1' }, samples: [[0, 1]] },
      { labels: { __name__: 'b', x: '1' }, samples: [[0, 2]] },
    ]);
    await expect(new PromqlEngine(source).evalInstant('{x="1"} * 2', 0)).rejects.toThrow(/same labelset/);
  });

  it('refuses a query that would load more samples than allowed', async () => {
    const small = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES), { maxSamples: 100 });
    // temp loads the 6 samples in its lookback; every series together is far more than 100.
    await expect(small.evalInstant('temp', 600_000)).resolves.toMatchObject({ resultType: 'vector' });
    await expect(small.evalInstant('{__name__=~".+"}', 600_000)).rejects.toThrow(/too many samples/);
  });

  it('selects the same windows over long ranges as a plain scan does', async () => {
    // A counter every 15 s for 6 h, rate over 5 m windows every minute: checked against the closed-form value.
    const samples: Array<[number, number]> = [];
    for (let t = 0; t <= 6 * 3_600_000; t += 15_000) samples.push([t, t / 1500]);
    const long = new PromqlEngine(new InMemorySeriesSource([{ labels: { __name__: 'c' }, samples }]));
    const result = await long.evalRange('rate(c[5m])', 600_000, 6 * 3_600_000, 60_000);
    const values = (result.result as Array<{ values: Array<[number, string]> }>)[0]?.values ?? [];
    expect(values).toHaveLength((6 * 3_600_000 - 600_000) / 60_000 + 1);
    for (const [, v] of values) expect(Number(v)).toBeCloseTo(10 / 15, 12);
  });

  it('refuses ranges with too many points, and bad steps', async () => {
    await expect(engine.evalRange('temp', 0, 1_000_000_000, 1_000)).rejects.toThrow(/maximum resolution/);
    await expect(engine.evalRange('temp', 0, 1000, 0)).rejects.toThrow(/step/);
    await expect(engine.evalRange('temp', 1000, 0, 10)).rejects.toThrow(/end timestamp/);
  });

  it('formats values as Go does and recognises the stale marker bit pattern', () => {
    expect(formatFloat(1e21)).toBe('1000000000000000000000');
    expect(formatFloat(1.5e-7)).toBe('0.00000015');
    expect(formatFloat(-2.5)).toBe('-2.5');
    expect(formatFloat(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatFloat(Number.NaN)).toBe('NaN');
    expect(isStaleNaN(STALE_NAN)).toBe(true);
    expect(isStaleNaN(Number.NaN)).toBe(false);
  });

  it('parses offsets, @ and subqueries into the syntax tree', () => {
    expect(parsePromql('rate(x{a="b"}[5m] offset -1m @ 100)')).toEqual({
      kind: 'call',
      func: 'rate',
      args: [
        {
          kind: 'matrixSelector',
          rangeMs: 300_000,
          selector: {
            kind: 'vectorSelector',
            matchers: [
              { name: '__name__', op: '=', value: 'x' },
              { name: 'a', op: '=', value: 'b' },
            ],
            offsetMs: -60_000,
            at: { kind: 'time', ms: 100_000 },
          },
        },
      ],
    });
    expect(parsePromql('max_over_time(x[1h:])')).toMatchObject({
      args: [{ kind: 'subquery', rangeMs: 3_600_000, stepMs: undefined }],
    });
    expect(parsePromql('{"quoted.name", "a b"=\'c\\n\'}')).toMatchObject({
      matchers: [
        { name: '__name__', op: '=', value: 'quoted.name' },
        { name: 'a b', op: '=', value: 'c\n' },
      ],
    });
  });

  it("stops a query that runs past its time limit with Prometheus' timeout error, by the injected clock", async () => {
    let now = 0;
    // Every reading of the clock moves it a second on: the third step is past a 2.5 s limit.
    const slow = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES), { timeoutMs: 2_500, clock: () => (now += 1_000) });
    const run = slow.evalRange('up', 0, 600_000, 60_000);
    await expect(run).rejects.toThrow(PromqlError);
    await expect(slow.evalRange('up', 0, 600_000, 60_000)).rejects.toMatchObject({ errorType: 'timeout' });
    now = 0;
    const quick = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES), { timeoutMs: 60_000, clock: () => (now += 1_000) });
    expect((await quick.evalRange('up', 0, 600_000, 60_000)).resultType).toBe('matrix');
  });
});
