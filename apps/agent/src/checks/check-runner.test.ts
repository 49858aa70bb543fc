import type { AgentCheckDefinition, AgentCheckRun } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { AgentCheckRunner } from './check-runner';
import { PluginAllowList } from './plugin-config';
import { fakeRunnerClock } from './runner-clock.fixture';

const T0 = Date.UTC(2026, 0, 1);
const definition = (id: string, intervalSeconds: number, version = 1): AgentCheckDefinition => ({
  id,
  name: id,
  type: 'file',
  intervalSeconds,
  timeoutSeconds: 5,
  config: { path: '/' },
  version,
});

/** A runner whose runs are recorded by start time and end only when the test releases them. */
function harness(jitter = 0) {
  const clock = fakeRunnerClock(T0);
  const started: Array<{ id: string; at: number }> = [];
  const pending: Array<() => void> = [];
  const delivered: AgentCheckRun[] = [];
  const runner = new AgentCheckRunner({
    plugins: new PluginAllowList(),
    clock,
    jitter: () => jitter,
    onRun: (run) => delivered.push(run),
    execute: (def, ctx) => {
      const at = ctx.now();
      started.push({ id: def.id, at });
      return new Promise((resolve) => {
        pending.push(() => resolve({ checkId: def.id, at, status: 'up', durationMs: 0, message: '', details: {} }));
      });
    },
  });
  const release = async () => {
    for (const done of pending.splice(0)) done();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, started, delivered, runner, release };
}

describe('AgentCheckRunner', () => {
  it('runs each check every interval from its jittered start', async () => {
    const h = harness(0.5);
    h.runner.assign([definition('a', 10)]);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(10_000);
      await h.release();
    }
    expect(h.started.map((s) => s.at - T0)).toEqual([5_000, 15_000, 25_000, 35_000]);
    expect(h.delivered).toHaveLength(4);
  });

  it('never runs a check twice at once: slots that pass during a run are skipped', async () => {
    const h = harness();
    h.runner.assign([definition('slow', 10)]);
    h.clock.advance(35_000);
    expect(h.started.map((s) => s.at - T0)).toEqual([0]);
    await h.release();
    h.clock.advance(10_000);
    expect(h.started.map((s) => s.at - T0)).toEqual([0, 40_000]);
  });

  it('runs a check that fell far behind once, then keeps its rhythm from then', async () => {
    const h = harness();
    h.runner.assign([definition('a', 10)]);
    h.clock.advance(0);
    await h.release();
    h.clock.jump(95_000);
    h.clock.advance(0);
    await h.release();
    h.clock.advance(10_000);
    await h.release();
    expect(h.started.map((s) => s.at - T0)).toEqual([0, 95_000, 105_000]);
  });

  it('drops removed checks, reschedules changed ones, and delivers nothing once stopped', async () => {
    const h = harness();
    h.runner.assign([definition('a', 10), definition('b', 10)]);
    expect(h.runner.ids()).toEqual(['a', 'b']);
    h.clock.advance(0);
    await h.release();
    h.runner.assign([definition('b', 20, 2)]);
    expect(h.runner.ids()).toEqual(['b']);
    h.clock.advance(0);
    await h.release();
    h.clock.advance(20_000);
    await h.release();
    expect(h.started.filter((s) => s.id === 'a')).toHaveLength(1);
    expect(h.started.filter((s) => s.id === 'b').map((s) => s.at - T0)).toEqual([0, 0, 20_000]);
    h.clock.advance(20_000);
    const stopping = h.runner.stop();
    await h.release();
    await stopping;
    const before = h.delivered.length;
    h.clock.advance(60_000);
    await h.release();
    expect(h.delivered).toHaveLength(before);
  });
});
