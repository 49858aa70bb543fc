import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPromtoolReport, runPromtoolTestFile, runPromtoolTests } from './promtool-runner';
import { expandValues } from './series-notation';

const TESTDATA = join(import.meta.dirname, '..', 'testdata');

describe('promtool test rules, run through Estate', () => {
  it('passes the edges file: keep_firing_for restarts, stale markers, gaps, group_eval_order', async () => {
    const result = await runPromtoolTestFile(join(TESTDATA, 'edges.test.yml'));
    expect(result.groups).toEqual([{ name: 'edges', failures: [] }]);
    expect(result.passed).toBe(true);
    // With the alerts evaluated before the recording they read, TotalHigh has nothing to read at 0s.
    const text = await readFile(join(TESTDATA, 'edges.test.yml'), 'utf8');
    const swapped = text.replace('  - recordings\n  - alerts', '  - alerts\n  - recordings');
    const reordered = await runPromtoolTests(swapped, 'edges.test.yml', { readRuleFile: (p) => readFile(join(TESTDATA, p), 'utf8') });
    expect(reordered.groups[0]?.failures.map((f) => f.split('\n')[0])).toEqual(['    alertname: TotalHigh, time: 0s, ']);
  });

  it('passes the semantics file, every group', async () => {
    const result = await runPromtoolTestFile(join(TESTDATA, 'semantics.test.yml'));
    expect(result.errors).toEqual([]);
    expect(result.groups.map((g) => [g.name, g.failures])).toEqual([['lifecycle', []]]);
    expect(result.passed).toBe(true);
    expect(formatPromtoolReport(result)).toMatch(/SUCCESS/);
  });

  it('fails the failing file on exactly the wrong expectations, as promtool reports them', async () => {
    const result = await runPromtoolTestFile(join(TESTDATA, 'failing.test.yml'));
    expect(result.passed).toBe(false);
    const [wrong, right] = result.groups;
    expect(right).toEqual({ name: 'right-expectations', failures: [] });
    expect(wrong?.failures).toHaveLength(2);
    expect(wrong?.failures[0]).toContain('alertname: ErrorsSeen, time: 3m');
    expect(wrong?.failures[0]).toContain(
      'got:[\n            0:\n              Labels:{alertname="ErrorsSeen", instance="a"}\n              Annotations:{summary="errors=1", window="1m 30s"}',
    );
    expect(wrong?.failures[1]).toContain('alertname: InstanceDown, time: 6m');
    expect(wrong?.failures[1]).toMatch(/got:\[\]$/);
    const report = formatPromtoolReport(result);
    expect(report).toMatch(/FAILED:\n {4}name: wrong-expectations,\n {4}alertname: ErrorsSeen, time: 3m/);
  });

  it('fails a promql_expr_test whose samples differ, and a file whose rule file does not load', async () => {
    const tests = `
rule_files: [rules.yml]
tests:
  - interval: 1m
    input_series:
      - series: 'x{a="1"}'
        values: '1+1x3'
    promql_expr_test:
      - expr: x
        eval_time: 2m
        exp_samples:
          - labels: 'x{a="1"}'
            value: 3
      - expr: x * 2
        eval_time: 2m
        exp_samples:
          - labels: '{a="1"}'
            value: 5
`;
    const ok = await runPromtoolTests(tests, 't.yml', { readRuleFile: async () => 'groups: []' });
    expect(ok.groups[0]?.failures).toHaveLength(1);
    expect(ok.groups[0]?.failures[0]).toContain('exp: {a="1"} 5E+00\n        got: {a="1"} 6E+00');
    const broken = await runPromtoolTests(tests, 't.yml', {
      readRuleFile: async () => 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n',
    });
    expect(broken.passed).toBe(false);
    expect(broken.errors[0]).toMatch(/^rules\.yml:5: group "g", rule 1, "A": expr: could not parse expression/);
  });

  it('expands promtool series notation', () => {
    expect(expandValues('-2+4x3')).toEqual([-2, 2, 6, 10]);
    expect(expandValues(' 1-2x4')).toEqual([1, -1, -3, -5, -7]);
    expect(expandValues('7x2 _ _x2 stale Inf')).toEqual([7, 7, 7, 'missing', 'missing', 'missing', 'stale', Infinity]);
  });
});
