import { describe, expect, it } from 'vitest';
import { applyRun, type CheckStateRecord, initialState } from './check-state';

const policy = { retries: 2, intervalMs: 10_000 };

function runAll(statuses: Array<'up' | 'degraded' | 'down' | 'unknown'>, start = initialState(), p = policy) {
  let record: CheckStateRecord = start;
  const states: string[] = [];
  const transitions: Array<string | null> = [];
  statuses.forEach((status, i) => {
    const applied = applyRun(record, { status, at: 1_000_000 + i * p.intervalMs, message: `run ${i}` }, p);
    record = applied.record;
    states.push(record.state);
    transitions.push(applied.transition ? `${applied.transition.previous}→${applied.transition.state}` : null);
  });
  return { record, states, transitions };
}

describe('check state machine', () => {
  it('takes the first verdict at once, then needs more failures in a row than the retries to go down', () => {
    const { states, transitions, record } = runAll(['up', 'down', 'down', 'down', 'down', 'up']);
    expect(states).toEqual(['up', 'up', 'up', 'down', 'down', 'up']);
    expect(transitions).toEqual(['null→up', null, null, 'up→down', null, 'down→up']);
    expect(record.consecutiveFailures).toBe(0);
    expect(record.since).toBe(1_000_000 + 5 * 10_000);
  });

  it('a new check that fails first is down at once; degraded and unknown are states of their own', () => {
    expect(runAll(['down']).states).toEqual(['down']);
    expect(runAll(['up', 'degraded', 'up']).transitions).toEqual(['null→up', 'up→degraded', 'degraded→up']);
    // An unknown run is a failure too: it keeps the state through the retries, then becomes the state.
    expect(runAll(['up', 'unknown', 'unknown', 'unknown']).states).toEqual(['up', 'up', 'up', 'unknown']);
    // Mixed failures: the state becomes the last one's.
    expect(runAll(['up', 'unknown', 'down', 'unknown', 'down']).states).toEqual(['up', 'up', 'up', 'unknown', 'down']);
  });

  it('with no retries, one failure is enough', () => {
    expect(runAll(['up', 'down', 'up'], initialState(), { retries: 0, intervalMs: 10_000 }).states).toEqual(['up', 'down', 'up']);
  });

  it('flags flapping at six changes within twenty intervals and clears it below three', () => {
    const noRetries = { retries: 0, intervalMs: 10_000 };
    const flip = runAll(['up', 'down', 'up', 'down', 'up', 'down'], initialState(), noRetries);
    expect(flip.record.flapping).toBe(true);
    // Twenty quiet intervals later the changes have left the window.
    const quiet = runAll(Array(25).fill('down'), flip.record, noRetries);
    expect(quiet.record.flapping).toBe(false);
    const almost = runAll(['up', 'down', 'up', 'down', 'up'], initialState(), noRetries);
    expect(almost.record.flapping).toBe(false);
  });
});
