/**
 * The rule semantics files against Debian's real Prometheus: each file in testdata/ is run by `promtool test rules`
 * and by Estate's runner, and the two must reach the same verdict (semantics.test.yml and edges.test.yml pass, failing.test.yml
 * fails on the same alert tests). Peers tier (skipped without promtool unless required).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tierRequired } from '../../../../platform/db/test-databases';
import { runPromtoolTestFile } from './promtool-runner';

const PROMTOOL = '/usr/bin/promtool';
const runs = existsSync(PROMTOOL) || tierRequired('peers');
const TESTDATA = join(import.meta.dirname, '..', 'testdata');
/** The files that pin Estate's rule semantics; promtool-runner.test.ts runs the same through Estate on every run. */
const PASSING = ['semantics.test.yml', 'edges.test.yml'];

function promtool(file: string): { status: number | null; output: string } {
  if (!existsSync(PROMTOOL)) throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${PROMTOOL} is missing (apt-get install prometheus).`);
  // promtool resolves rule_files against its working directory.
  const run = spawnSync(PROMTOOL, ['test', 'rules', file], { encoding: 'utf8', cwd: TESTDATA });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.runIf(runs)('rule semantics files against the real Prometheus (promtool test rules)', () => {
  it.each(PASSING)(
    'passes %s in promtool and in Estate',
    async (file) => {
      const real = promtool(file);
      expect(real.output).toContain('SUCCESS');
      expect(real.status).toBe(0);
      const ours = await runPromtoolTestFile(join(TESTDATA, file), { closedRanges: true });
      expect(ours.passed).toBe(true);
    },
    60_000,
  );

  it('fails failing.test.yml in promtool and in Estate, on the same alert tests', async () => {
    const real = promtool('failing.test.yml');
    expect(real.status).toBe(1);
    const realFailures = [...real.output.matchAll(/alertname: (\w+), time: (\w+)/g)].map((m) => `${m[1]}@${m[2]}`).sort();
    const ours = await runPromtoolTestFile(join(TESTDATA, 'failing.test.yml'), { closedRanges: true });
    const ourFailures = ours.groups
      .flatMap((g) => g.failures.map((f) => /alertname: (\w+), time: (\w+)/.exec(f)?.slice(1).join('@')))
      .sort();
    expect(realFailures).toEqual(['ErrorsSeen@3m', 'InstanceDown@6m']);
    expect(ourFailures).toEqual(realFailures);
  }, 60_000);
});
