/**
 * The engine against Debian's real Prometheus: every instant case of promql-cases.ts is answered by this engine in
 * Prometheus 2 mode (closed windows, as Debian's 2.42 has) and written as a `promtool test rules` file, which the
 * real PromQL engine must then agree with exactly. Peers tier (skipped without promtool unless required).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tierRequired } from '../../../platform/db/test-databases';
import { PromqlEngine } from './engine';
import { PROMQL_CASES, PROMQL_SERIES } from './promql-cases';
import { InMemorySeriesSource } from './series-source';

const PROMTOOL = '/usr/bin/promtool';
const runs = existsSync(PROMTOOL) || tierRequired('peers');
const SLOT_MS = 15_000;

/** YAML spells infinities .inf and -.inf. */
const yamlFloat = (v: string) => (v === '+Inf' ? '.inf' : v === '-Inf' ? '-.inf' : v);

function metricText(labels: Record<string, string>): string {
  const { __name__: name = '', ...rest } = labels;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(',')}}`;
}

/** promtool's expanding notation: one value per 15 s slot, `_` for none, `stale` for a stale marker. */
function seriesValues(samples: Array<[number, number]>, stale: number[]): string {
  const last = Math.max(...samples.map(([t]) => t), ...stale);
  const slots: string[] = Array.from({ length: last / SLOT_MS + 1 }, () => '_');
  for (const [t, v] of samples) slots[t / SLOT_MS] = String(v);
  for (const t of stale) slots[t / SLOT_MS] = 'stale';
  return slots.join(' ');
}

describe.runIf(runs)('PromQL cases against the real Prometheus (promtool test rules)', () => {
  it('answers every instant case as Prometheus 2.42 does', async () => {
    if (!existsSync(PROMTOOL))
      throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${PROMTOOL} is missing (apt-get install prometheus).`);
    const engine = new PromqlEngine(new InMemorySeriesSource(PROMQL_SERIES), { closedRanges: true });
    const tests: string[] = [];
    for (const c of PROMQL_CASES) {
      if (c.range || 'error' in c.expected) continue;
      const at = c.at ?? 600;
      const result = await engine.evalInstant(c.query, at * 1000);
      const rows =
        result.resultType === 'scalar' ? [{ metric: {}, value: result.result }] : result.resultType === 'vector' ? result.result : [];
      // promtool compares floats exactly, and NaN never equals NaN.
      if (rows.some((r) => r.value[1] === 'NaN')) continue;
      const samples = rows.map(
        (r) => `          - labels: ${JSON.stringify(metricText(r.metric))}\n            value: ${yamlFloat(r.value[1])}`,
      );
      tests.push(
        `      - expr: ${JSON.stringify(c.query)}\n        eval_time: ${at}s\n        exp_samples:${samples.length ? `\n${samples.join('\n')}` : ' []'}`,
      );
    }
    const series = PROMQL_SERIES.map(
      (s) => `      - series: ${JSON.stringify(metricText(s.labels))}\n        values: "${seriesValues(s.samples, s.stale ?? [])}"`,
    );
    const yaml = `rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 15s\n    input_series:\n${series.join('\n')}\n    promql_expr_test:\n${tests.join('\n')}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'estate-promtool-'));
    try {
      const file = join(dir, 'cases.test.yml');
      writeFileSync(file, yaml);
      if (process.env.PROMQL_DUMP) writeFileSync(process.env.PROMQL_DUMP, yaml);
      const run = spawnSync(PROMTOOL, ['test', 'rules', file], { encoding: 'utf8' });
      expect(tests.length).toBeGreaterThan(60);
      expect(`${run.stdout}${run.stderr}`, yaml).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
