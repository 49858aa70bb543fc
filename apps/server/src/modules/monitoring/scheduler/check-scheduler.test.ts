import { describe, expect, it } from 'vitest';
import {
  type CheckExecutor,
  CheckRemovedError,
  type CheckRun,
  CheckScheduleError,
  CheckTimeoutError,
  type ScheduledCheck,
} from './check-run';
import { CheckScheduler, type CheckSchedulerOptions } from './check-scheduler';
import { FakeClock, settle } from './scheduler-clock.fixtures';
import { phaseOf, slotAtOrAfter } from './slot-grid';

interface TestCheck extends ScheduledCheck {
  /** Fake milliseconds the test executor takes. */
  workMs?: number;
  /** The test executor ignores its abort signal. */
  stubborn?: boolean;
}

const SECOND = 1000;
const check = (id: string, extra: Partial<TestCheck> = {}): TestCheck => ({
  id,
  intervalMs: 10 * SECOND,
  timeoutMs: 5 * SECOND,
  target: 'host-a',
  ...extra,
});

/** A scheduler on a fake clock whose executor "works" for check.workMs of fake time, with a log of what ran. */
function harness(options: Partial<CheckSchedulerOptions<TestCheck, string>> = {}) {
  const clock = new FakeClock();
  const t0 = clock.now();
  const results: CheckRun<TestCheck, string>[] = [];
  const starts: { id: string; at: number; signal: AbortSignal }[] = [];
  let active = 0;
  let maxActive = 0;
  const activeByTarget = new Map<string, number>();
  const maxByTarget = new Map<string, number>();
  const executor: CheckExecutor<TestCheck, string> = async (c, signal) => {
    starts.push({ id: c.id, at: clock.now() - t0, signal });
    active++;
    maxActive = Math.max(maxActive, active);
    const onTarget = (activeByTarget.get(c.target) ?? 0) + 1;
    activeByTarget.set(c.target, onTarget);
    maxByTarget.set(c.target, Math.max(maxByTarget.get(c.target) ?? 0, onTarget));
    try {
      if (c.workMs) await clock.sleep(c.workMs, c.stubborn ? undefined : signal);
      return `ok ${c.id}`;
    } finally {
      active--;
      activeByTarget.set(c.target, (activeByTarget.get(c.target) ?? 1) - 1);
    }
  };
  const scheduler = new CheckScheduler<TestCheck, string>({ executor, onResult: (r) => results.push(r), clock, ...options });
  return {
    clock,
    t0,
    scheduler,
    results,
    starts,
    maxActive: () => maxActive,
    maxOnTarget: (target: string) => maxByTarget.get(target) ?? 0,
    startsOf: (id: string) => starts.filter((s) => s.id === id).map((s) => s.at),
    /** Fake ms from the start to the check's first slot (the clock starts on a whole minute). */
    firstSlot: (id: string, intervalMs = 10 * SECOND) => slotAtOrAfter(phaseOf(id, intervalMs), intervalMs, t0) - t0,
  };
}

describe('the check scheduler', () => {
  it('refuses an interval under 10 s, a timeout above the interval, empty ids and targets, and duplicates', () => {
    const { scheduler } = harness();
    expect(() => scheduler.add(check('a', { intervalMs: 9_999 }))).toThrow(/at least 10 s/);
    expect(() => scheduler.add(check('a', { timeoutMs: 11 * SECOND }))).toThrow(/at most the interval/);
    expect(() => scheduler.add(check('a', { timeoutMs: 0 }))).toThrow(CheckScheduleError);
    expect(() => scheduler.add(check('', {}))).toThrow(/non-empty id/);
    expect(() => scheduler.add(check('a', { target: '' }))).toThrow(/non-empty target/);
    scheduler.add(check('a'));
    expect(() => scheduler.add(check('a'))).toThrow(/scheduled already/);
    expect(() => scheduler.update(check('b'))).toThrow(/No check/);
    expect(() => scheduler.update(check('a', { intervalMs: 1 }))).toThrow(/at least 10 s/);
    expect(() => new CheckScheduler({ executor: async () => 1, onResult: () => {}, concurrency: 0 })).toThrow(/concurrency/);
    expect(scheduler.remove('nope')).toBe(false);
    expect(scheduler.size).toBe(1);
  });

  it('spreads first runs of 10,000 checks evenly over the interval, on slots fixed by a hash of the id', async () => {
    const h = harness({ concurrency: 20_000, perTargetConcurrency: 20_000 });
    for (let i = 0; i < 10_000; i++) h.scheduler.add(check(`check-${i}`, { target: `host-${i % 500}` }));
    await h.clock.advance(10 * SECOND + 20);
    const first = h.results.filter((r) => r.slotAt - h.t0 < 10 * SECOND);
    expect(new Set(first.map((r) => r.check.id)).size).toBe(10_000);
    expect(first).toHaveLength(10_000);
    const perSecond = new Array(10).fill(0);
    for (const r of first) perSecond[Math.floor((r.slotAt - h.t0) / SECOND)]++;
    for (const n of perSecond) expect(n).toBeGreaterThan(900);
    for (const n of perSecond) expect(n).toBeLessThan(1100);
    // Never more than a handful due in the same millisecond.
    const perMs = new Map<number, number>();
    for (const r of first) perMs.set(r.slotAt, (perMs.get(r.slotAt) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeLessThan(10);
    // The slot is the id's phase on the interval grid, the same in any process; runs due within the timer's 10 ms
    // resolution start together, so a thousand runs a second cost about a hundred wakes, not a thousand.
    for (const r of h.results) expect((r.slotAt - h.t0) % (10 * SECOND)).toBe(phaseOf(r.check.id, 10 * SECOND));
    for (const r of h.results) expect(r.latenessMs).toBeLessThanOrEqual(10);
    expect(h.clock.fired).toBeLessThanOrEqual(1_003);
    // The second interval: every check once more, none late, none skipped.
    await h.clock.advance(10 * SECOND);
    expect(h.results.filter((r) => r.slotAt - h.t0 < 20 * SECOND)).toHaveLength(20_000);
    expect(h.results).toHaveLength(h.starts.length);
    expect(h.scheduler.behind()).toMatchObject({ lateRuns: 0, skippedSlots: 0, queued: 0, running: 0 });
  });

  it('keeps a global cap, queueing runs in slot order rather than dropping them', async () => {
    const h = harness({ concurrency: 3, perTargetConcurrency: 100 });
    // Nine checks of 6 s each on three places: 54 s of work per 10 s interval, so runs must queue.
    for (let i = 0; i < 9; i++) h.scheduler.add(check(`c${i}`, { workMs: 6 * SECOND, timeoutMs: 10 * SECOND, target: `host-${i}` }));
    await h.clock.advance(40 * SECOND);
    expect(h.maxActive()).toBe(3);
    // Every check got its turn; every started run that finished delivered exactly one completed result.
    for (let i = 0; i < 9; i++) expect(h.startsOf(`c${i}`).length).toBeGreaterThanOrEqual(1);
    const behind = h.scheduler.behind();
    expect(h.results).toHaveLength(h.starts.length - behind.running);
    expect(new Set(h.results.map((r) => r.outcome.kind))).toEqual(new Set(['completed']));
    // Queued runs start late by their wait and are recorded as such; slots that came while queued were skipped.
    expect(h.results.filter((r) => r.latenessMs > 0).length).toBeGreaterThan(0);
    for (const r of h.results) expect(r.latenessMs).toBe(r.startedAt - r.slotAt);
    expect(behind.lateness.count).toBe(h.starts.length);
    expect(behind.skippedSlots).toBeGreaterThan(0);
    expect(behind.running + behind.queued).toBeLessThanOrEqual(9);
  });

  it('keeps a per-target cap without holding up other targets', async () => {
    const h = harness({ concurrency: 10, perTargetConcurrency: 2 });
    for (let i = 0; i < 6; i++) h.scheduler.add(check(`a${i}`, { target: 'busy', workMs: 4 * SECOND }));
    h.scheduler.add(check('b0', { target: 'quiet', workMs: 100 }));
    await h.clock.advance(10 * SECOND);
    expect(h.maxOnTarget('busy')).toBe(2);
    expect(h.startsOf('b0')).toHaveLength(1);
    await h.clock.advance(20 * SECOND);
    expect(h.maxOnTarget('busy')).toBe(2);
    // The quiet target never waited behind the busy one.
    for (const r of h.results.filter((r) => r.check.id === 'b0')) expect(r.latenessMs).toBe(0);
    // Six runs of 4 s per 10 s, two at a time: some waited behind the target's cap; every check got its turn.
    const busy = h.results.filter((r) => r.check.target === 'busy');
    expect(busy.some((r) => r.latenessMs > 0)).toBe(true);
    for (let i = 0; i < 6; i++) expect(h.startsOf(`a${i}`).length).toBeGreaterThanOrEqual(2);
  });

  it('runs each check once after a 5-minute stall, not thirty times, and re-aligns it to its grid', async () => {
    // A timer firing for every due time, so start times can be compared exactly.
    const h = harness({ concurrency: 1_000, perTargetConcurrency: 1_000, resolutionMs: 0 });
    for (let i = 0; i < 100; i++) h.scheduler.add(check(`c${i}`, { target: `host-${i}` }));
    await h.clock.advance(30 * SECOND);
    expect(h.starts).toHaveLength(300);
    const before = h.scheduler.behind();
    expect(before.lateRuns).toBe(0);

    h.clock.stall(5 * 60 * SECOND);
    await h.clock.advance(1);
    expect(h.starts).toHaveLength(400);
    for (let i = 0; i < 100; i++) expect(h.startsOf(`c${i}`)).toHaveLength(4);
    const after = h.scheduler.behind();
    expect(after.lateRuns).toBe(100);
    // Each check's stalled span held about 30 slots; all but the one it ran for were skipped.
    expect(after.skippedSlots).toBeGreaterThanOrEqual(100 * 29);
    expect(after.skippedSlots).toBeLessThanOrEqual(100 * 30);
    expect(after.lateness.p99Seconds).toBeGreaterThan(270);
    expect(after.lateness.maxSeconds).toBeLessThanOrEqual(300);

    // From here each check runs once per interval again, on its own grid slot, at least half an interval later.
    await h.clock.advance(60 * SECOND);
    for (let i = 0; i < 100; i++) {
      const runs = h.startsOf(`c${i}`);
      // The first slot after the late run is 5 to 15 s away, so 60 s hold five or six more runs.
      expect(runs.length).toBeGreaterThanOrEqual(9);
      expect(runs.length).toBeLessThanOrEqual(10);
      const resumed = runs.slice(4);
      expect((resumed[0] as number) - (runs[3] as number)).toBeGreaterThanOrEqual(5 * SECOND);
      for (let k = 1; k < resumed.length; k++) expect((resumed[k] as number) - (resumed[k - 1] as number)).toBe(10 * SECOND);
      expect((h.t0 + (resumed[0] as number)) % (10 * SECOND)).toBe(phaseOf(`c${i}`, 10 * SECOND));
    }
    expect(h.scheduler.behind().lateRuns).toBe(100);
  });

  it('runs once after the clock jumps forward, like a suspended laptop waking', async () => {
    const h = harness();
    h.scheduler.add(check('a'));
    await h.clock.advance(20 * SECOND);
    expect(h.startsOf('a')).toHaveLength(2);
    h.clock.jumpWall(3 * 3600 * SECOND);
    // The one timer sleeps at most a second, so the jump is seen within one.
    await h.clock.advance(SECOND);
    expect(h.startsOf('a')).toHaveLength(3);
    expect(h.scheduler.behind().skippedSlots).toBe(3 * 360 - 1);
    await h.clock.advance(30 * SECOND);
    const runs = h.startsOf('a');
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(runs.length).toBeLessThanOrEqual(6);
    expect((runs[4] as number) - (runs[3] as number)).toBe(10 * SECOND);
  });

  it('does not stall checks for the span of a backwards clock jump', async () => {
    const h = harness({ concurrency: 100, perTargetConcurrency: 100 });
    for (let i = 0; i < 50; i++) h.scheduler.add(check(`c${i}`));
    await h.clock.advance(20 * SECOND);
    expect(h.starts).toHaveLength(100);
    h.clock.jumpWall(-3600 * SECOND);
    // Reading the figures sees the jump first, outside the timer, and adding a check re-arms the timer: it must not
    // then sleep through the hour.
    expect(h.scheduler.behind().clockJumpsBack).toBe(1);
    h.scheduler.add(check('late-comer'));
    await h.clock.advance(30 * SECOND);
    expect(h.startsOf('late-comer').length).toBeGreaterThanOrEqual(2);
    // Three more runs each in 30 s — not none for an hour.
    for (let i = 0; i < 50; i++) expect(h.startsOf(`c${i}`)).toHaveLength(5);
    expect(h.scheduler.behind()).toMatchObject({ clockJumpsBack: 1, lateRuns: 0, skippedSlots: 0 });
    // The rhythm holds across the jump: in wall-clock terms the gap over it is 10 s minus the hour.
    const runs = h.startsOf('c7');
    expect(runs.slice(1).map((at, k) => at - (runs[k] as number))).toEqual([10, 10 - 3600, 10, 10].map((s) => s * SECOND));

    // A jump that is not a whole number of intervals: checks keep running and move back onto their grid.
    h.clock.jumpWall(-1234);
    await h.clock.advance(40 * SECOND);
    for (let i = 0; i < 50; i++) expect(h.startsOf(`c${i}`).length).toBeGreaterThanOrEqual(8);
    const last = h.startsOf('c7').slice(-2);
    expect((last[1] as number) - (last[0] as number)).toBe(10 * SECOND);
    expect((h.t0 + (last[1] as number)) % (10 * SECOND)).toBe(phaseOf('c7', 10 * SECOND));
  });

  it('aborts a run at its timeout and records the timeout itself', async () => {
    const h = harness();
    h.scheduler.add(check('slow', { workMs: 60 * SECOND, timeoutMs: 3 * SECOND }));
    await h.clock.advance(h.firstSlot('slow') + 3 * SECOND - 1);
    expect(h.results).toHaveLength(0);
    await h.clock.advance(1);
    const [first] = h.results;
    expect(first?.outcome).toEqual({ kind: 'timeout', timeoutMs: 3 * SECOND });
    expect((first?.finishedAt ?? 0) - (first?.startedAt ?? 0)).toBe(3 * SECOND);
    const signal = h.starts[0]?.signal as AbortSignal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CheckTimeoutError);
    // The executor honoured the signal, so the check is free for its next slot.
    await h.clock.advance(10 * SECOND);
    expect(h.results.map((r) => r.outcome.kind)).toEqual(['timeout', 'timeout']);
    expect(h.scheduler.behind()).toMatchObject({ timeouts: 2, abandoned: 0, running: 0 });
  });

  it('skips the slots of a check whose previous run is still going, and lets go of a run that ignores its abort', async () => {
    const h = harness({ abandonAfterMs: 10 * SECOND });
    h.scheduler.add(check('hung', { workMs: 14 * SECOND, timeoutMs: 5 * SECOND, stubborn: true }));
    await h.clock.advance(h.firstSlot('hung'));
    const first = h.startsOf('hung')[0] as number;
    expect(first).toBe(h.firstSlot('hung'));
    await h.clock.advance(25 * SECOND);
    // Timed out at +5 s; the executor ignored the abort and settled at +14 s, holding the check over its +10 s slot.
    const runs = h.startsOf('hung');
    expect(runs.slice(0, 2)).toEqual([first, first + 20 * SECOND]);
    expect(h.scheduler.behind()).toMatchObject({ skippedSlots: 1, timeouts: 2, abandoned: 0 });
    // One outcome per run: the late resolution of a timed-out run is not delivered a second time.
    expect(h.results.filter((r) => r.startedAt === h.t0 + first).map((r) => r.outcome.kind)).toEqual(['timeout']);

    // A run that never settles is let go of after abandonAfterMs, so the check runs again.
    const { scheduler, clock, startsOf } = harness({ abandonAfterMs: 2 * SECOND });
    scheduler.add(check('forever', { workMs: 1e12, timeoutMs: 5 * SECOND, stubborn: true }));
    await clock.advance(40 * SECOND);
    expect(startsOf('forever').length).toBeGreaterThanOrEqual(4);
    expect(scheduler.behind().abandoned).toBeGreaterThanOrEqual(3);
    expect(scheduler.behind().running).toBeLessThanOrEqual(1);
  });

  it('records an executor error, thrown or rejected, as the run outcome', async () => {
    const clock = new FakeClock();
    const results: CheckRun<TestCheck, string>[] = [];
    const scheduler = new CheckScheduler<TestCheck, string>({
      clock,
      executor: (c) => {
        if (c.id === 'sync') throw new Error('boom');
        return Promise.reject(new Error('bang'));
      },
      onResult: (r) => results.push(r),
    });
    scheduler.add(check('sync'));
    scheduler.add(check('async'));
    await clock.advance(10 * SECOND);
    expect(results.map((r) => [r.check.id, r.outcome.kind, (r.outcome as { error: Error }).error.message]).sort()).toEqual([
      ['async', 'error', 'bang'],
      ['sync', 'error', 'boom'],
    ]);
    expect(scheduler.behind().errors).toBe(2);
  });

  it('applies a new interval from the next slot', async () => {
    const h = harness();
    h.scheduler.add(check('a'));
    await h.clock.advance(10 * SECOND);
    const [firstRun] = h.startsOf('a');
    h.scheduler.update(check('a', { intervalMs: 60 * SECOND }));
    await h.clock.advance(80 * SECOND);
    const runs = h.startsOf('a');
    // The slot already due (first + 10 s) stays; after it the check follows its 60 s grid.
    expect(runs[1]).toBe((firstRun as number) + 10 * SECOND);
    expect((runs[2] as number) - (runs[1] as number)).toBeGreaterThanOrEqual(30 * SECOND);
    expect((h.t0 + (runs[2] as number)) % (60 * SECOND)).toBe(phaseOf('a', 60 * SECOND));

    // Shortening it takes the new grid's first slot when that comes sooner than the pending one.
    const beforeShort = h.startsOf('a').length;
    h.scheduler.update(check('a', { intervalMs: 10 * SECOND }));
    await h.clock.advance(10 * SECOND);
    expect(h.startsOf('a').length).toBe(beforeShort + 1);
  });

  it('drops a queued run of a removed check and aborts a running one without delivering it', async () => {
    const h = harness({ concurrency: 1, perTargetConcurrency: 10 });
    h.scheduler.add(check('runner', { workMs: 8 * SECOND, timeoutMs: 9 * SECOND }));
    await h.clock.advance(h.firstSlot('runner'));
    expect(h.startsOf('runner')).toHaveLength(1);
    // A second check asked to run now waits behind the only place.
    h.scheduler.add(check('waiter', { target: 'host-b' }));
    expect(h.scheduler.runNow('waiter')).toBe(true);
    expect(h.scheduler.behind()).toMatchObject({ running: 1, queued: 1 });

    // Removing the running check aborts it; its result never arrives; the queued run then takes the place.
    const signal = h.starts[0]?.signal as AbortSignal;
    expect(h.scheduler.remove('runner')).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CheckRemovedError);
    await settle();
    expect(h.startsOf('waiter')).toHaveLength(1);
    await h.clock.advance(30 * SECOND);
    expect(h.results.filter((r) => r.check.id === 'runner')).toHaveLength(0);
    expect(h.startsOf('runner')).toHaveLength(1);

    // Removing a check while its run is queued: the run is dropped and never starts.
    const q = harness({ concurrency: 1, perTargetConcurrency: 10 });
    q.scheduler.add(check('hog', { workMs: 9 * SECOND, timeoutMs: 9 * SECOND }));
    await q.clock.advance(q.firstSlot('hog'));
    q.scheduler.add(check('queued', { target: 'host-b' }));
    q.scheduler.runNow('queued');
    expect(q.scheduler.behind().queued).toBe(1);
    expect(q.scheduler.remove('queued')).toBe(true);
    expect(q.scheduler.behind().queued).toBe(0);
    await q.clock.advance(60 * SECOND);
    expect(q.startsOf('queued')).toHaveLength(0);
    expect(q.scheduler.size).toBe(1);
  });

  it('moves a queued run to its new target when the target changes', async () => {
    const h = harness({ concurrency: 10, perTargetConcurrency: 1 });
    h.scheduler.add(check('a', { target: 'x', workMs: 10 * SECOND, timeoutMs: 10 * SECOND }));
    h.scheduler.add(check('b', { target: 'x', workMs: 10 * SECOND, timeoutMs: 10 * SECOND }));
    const [first, second] = h.firstSlot('a') <= h.firstSlot('b') ? ['a', 'b'] : ['b', 'a'];
    // The second's first slot comes while the first still runs on target x, whose cap is one.
    await h.clock.advance(h.firstSlot(second as string));
    expect(h.starts.map((s) => s.id)).toEqual([first]);
    expect(h.scheduler.behind().queued).toBe(1);
    h.scheduler.update(check(second as string, { target: 'y', workMs: 100 }));
    await settle();
    expect(h.starts.map((s) => s.id)).toEqual([first, second]);
    expect(h.maxOnTarget('x')).toBe(1);
  });

  it('adds and removes thousands of checks while running, reusing their places', async () => {
    const h = harness({ concurrency: 10_000, perTargetConcurrency: 10_000 });
    for (let i = 0; i < 2_000; i++) h.scheduler.add(check(`c${i}`, { target: `t${i % 7}` }));
    await h.clock.advance(5 * SECOND);
    for (let i = 0; i < 2_000; i += 2) h.scheduler.remove(`c${i}`);
    for (let i = 0; i < 1_000; i++) h.scheduler.add(check(`n${i}`, { target: `u${i % 3}` }));
    await h.clock.advance(20 * SECOND);
    expect(h.scheduler.size).toBe(2_000);
    for (const id of ['c1', 'c1999', 'n0', 'n999']) expect(h.startsOf(id).length).toBeGreaterThanOrEqual(2);
    const removedRunsAfter = h.starts.filter((s) => /^c\d*[02468]$/.test(s.id) && s.at > 5 * SECOND);
    expect(removedRunsAfter).toHaveLength(0);
  });

  it('runs a check now on request, once, when it is idle', async () => {
    const h = harness();
    h.scheduler.add(check('a', { workMs: 2 * SECOND }));
    expect(h.scheduler.runNow('a')).toBe(true);
    expect(h.scheduler.runNow('a')).toBe(false);
    await settle();
    expect(h.startsOf('a')).toEqual([0]);
    expect(h.scheduler.runNow('missing')).toBe(false);
    await h.clock.advance(30 * SECOND);
    expect(h.results.filter((r) => r.check.id === 'a').length).toBe(h.startsOf('a').length);
  });

  it('logs a failing result handler and keeps going', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    let calls = 0;
    const scheduler = new CheckScheduler<TestCheck, string>({
      clock,
      executor: async () => 'ok',
      onResult: () => {
        calls++;
        throw new Error('storage down');
      },
      logger: { warn: (_obj, msg) => warnings.push(msg) },
    });
    scheduler.add(check('a'));
    await clock.advance(30 * SECOND);
    expect(calls).toBe(3);
    expect(warnings).toHaveLength(3);
  });

  it('stop() waits for running checks, delivers their results and starts nothing more', async () => {
    const h = harness();
    h.scheduler.add(check('a', { workMs: 3 * SECOND }));
    h.scheduler.add(check('b', { workMs: 3 * SECOND, target: 'host-b' }));
    await h.clock.advance(h.firstSlot('a') + SECOND);
    expect(h.scheduler.behind().running).toBeGreaterThanOrEqual(1);
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(SECOND);
    expect(stopped).toBe(false);
    // By then both runs, if both started, have ended.
    await h.clock.advance(2 * SECOND);
    await stopping;
    expect(stopped).toBe(true);
    expect(h.scheduler.behind().running).toBe(0);
    const startsAtStop = h.starts.length;
    expect(h.results).toHaveLength(startsAtStop);
    await h.clock.advance(60 * SECOND);
    expect(h.starts).toHaveLength(startsAtStop);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('stop() waits for a run that ignores its abort no longer than its timeout plus the grace period', async () => {
    const h = harness({ abandonAfterMs: 2 * SECOND });
    h.scheduler.add(check('stuck', { workMs: 1e12, stubborn: true, timeoutMs: 5 * SECOND }));
    await h.clock.advance(h.firstSlot('stuck') + SECOND);
    expect(h.scheduler.behind().running).toBe(1);
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => {
      stopped = true;
    });
    await h.clock.advance(7 * SECOND);
    await stopping;
    expect(stopped).toBe(true);
    expect(h.results.map((r) => r.outcome.kind)).toEqual(['timeout']);
  });
});
