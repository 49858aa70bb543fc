import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatPromql } from './format';
import { parsePromql } from './parse';
import { PROMQL_CASES } from './promql-cases';

/** Every query the golden test and the hand-worked cases ask that Estate parses. */
function corpus(): string[] {
  const golden = readFileSync(new URL('./golden/golden-queries.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.replace(/^instant:\s*/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const parses = (q: string) => {
    try {
      parsePromql(q);
      return true;
    } catch {
      return false;
    }
  };
  return [...golden, ...PROMQL_CASES.map((c) => c.query)].filter(parses);
}

/** The tree as JSON with each selector's matchers in one order: Prometheus sorts them when it prints. */
function normalized(tree: unknown): unknown {
  return JSON.parse(
    JSON.stringify(tree, (key, value) =>
      key === 'matchers' && Array.isArray(value) ? [...value].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : value,
    ),
  );
}

describe('formatPromql', () => {
  it('prints every query of the golden and hand-worked cases so that it parses back to the same tree', () => {
    const queries = corpus();
    expect(queries.length).toBeGreaterThan(150);
    for (const query of queries) {
      const tree = parsePromql(query);
      const printed = formatPromql(tree);
      expect(normalized(parsePromql(printed)), `${query} → ${printed}`).toEqual(normalized(tree));
      // Canonical: printing the printed form changes nothing.
      expect(formatPromql(parsePromql(printed)), query).toBe(printed);
    }
  });

  it('spells operators, grouping, selectors and modifiers as Prometheus does', () => {
    const cases: Array<[string, string]> = [
      ['sum without(instance)(up)', 'sum without (instance) (up)'],
      ['count_values("v", up)', 'count_values("v", up)'],
      ['{__name__="up",job!~"a|b"}', 'up{job!~"a|b"}'],
      ['up{z="1",a="2"}[5m] offset -1h', 'up{a="2",z="1"}[5m] offset -1h'],
      ['rate(x[5m] @ end())', 'rate(x[5m] @ end())'],
      ['a and ignoring(b) c', 'a and ignoring (b) c'],
      ['a / on() group_right b', 'a / on () group_right () b'],
      ['(up)', '(up)'],
      ['"a\\"b"', '"a\\"b"'],
    ];
    for (const [query, canonical] of cases) expect(formatPromql(parsePromql(query)), query).toBe(canonical);
  });

  it('writes durations by unit and numbers in plain decimal', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90 * 60_000)).toBe('1h30m');
    expect(formatDuration(8 * 86_400_000 + 1_500)).toBe('1w1d1s500ms');
    expect(formatDuration(366 * 86_400_000)).toBe('1y1d');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(-2.5e-7)).toBe('-0.00000025');
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-Inf');
  });
});
