import { describe, expect, it } from 'vitest';
import { NONE, RunQueues } from './run-queues';

const drain = (q: RunQueues) => {
  const out: number[] = [];
  for (let s = q.shift(); s !== NONE; s = q.shift()) out.push(s);
  return out;
};

describe('the run queues', () => {
  it('admit up to the per-target cap at once and hold the rest on their target, in order', () => {
    const q = new RunQueues(2);
    const a = q.internTarget('a');
    const b = q.internTarget('b');
    for (const slot of [0, 1, 2, 3]) q.push(slot, a);
    q.push(4, b);
    expect(q.size).toBe(5);
    // Two of a's, then b's: a's third and fourth wait for a's runs to end.
    expect(drain(q)).toEqual([0, 1, 4]);
    expect(q.size).toBe(2);
    q.finished(a);
    expect(drain(q)).toEqual([2]);
    q.finished(a);
    q.finished(b);
    expect(drain(q)).toEqual([3]);
    expect(q.size).toBe(0);
  });

  it('removes a queued run from the middle, giving back its admission', () => {
    const q = new RunQueues(1);
    const t = q.internTarget('t');
    q.push(7, t);
    q.push(8, t);
    q.push(9, t);
    expect(q.isQueued(8)).toBe(true);
    q.remove(8);
    q.remove(7);
    expect([q.isQueued(7), q.isQueued(8), q.size]).toEqual([false, false, 1]);
    expect(drain(q)).toEqual([9]);
    q.remove(42);
  });

  it('frees a target number with its last reference and clears everything on request', () => {
    const q = new RunQueues(4);
    const a = q.internTarget('a');
    expect(q.internTarget('a')).toBe(a);
    q.holdTarget(a);
    q.releaseTarget(a);
    q.releaseTarget(a);
    expect(q.targets).toBe(1);
    q.releaseTarget(a);
    expect(q.targets).toBe(0);
    expect(q.internTarget('b')).toBe(a);
    for (let slot = 0; slot < 100; slot++) q.push(slot, a);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.shift()).toBe(NONE);
  });
});
