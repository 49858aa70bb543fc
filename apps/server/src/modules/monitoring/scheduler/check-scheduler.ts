import {
  type CheckExecutor,
  CheckRemovedError,
  type CheckRun,
  type CheckRunOutcome,
  CheckScheduleError,
  CheckTimeoutError,
  type ScheduledCheck,
  validateCheck,
} from './check-run';
import { LatenessRecord, type LatenessSnapshot } from './lateness-record';
import { NONE, RunQueues } from './run-queues';
import { type SchedulerClock, systemClock } from './scheduler-clock';
import { nextSlot, phaseOf, slotAtOrAfter } from './slot-grid';
import { SlotHeap } from './slot-heap';

/** Where the scheduler reports a failing `onResult`; pino's logger fits. */
export interface CheckSchedulerLogger {
  warn(obj: object, msg: string): void;
}

/** Options of a check scheduler. */
export interface CheckSchedulerOptions<C extends ScheduledCheck, R> {
  executor: CheckExecutor<C, R>;
  /** Called once per finished run, timeouts and errors included; what it throws is logged, never lost upward. */
  onResult: (run: CheckRun<C, R>) => void;
  clock?: SchedulerClock;
  /**
   * Runs at once across all checks (default 2,048: ICMP runs spend seconds waiting inside a shared fping, and 5,000
   * hosts at 10 s keep over a thousand in flight); more wait in a queue, never dropped.
   */
  concurrency?: number;
  /** Runs at once against one target (default 4); more wait in the target's queue. */
  perTargetConcurrency?: number;
  /** How long a timed-out run that ignores its signal keeps its concurrency place (default 5 s). */
  abandonAfterMs?: number;
  /** The longest the one timer sleeps (default 1 s), so a clock jump or a resume from suspend is seen soon. */
  maxSleepMs?: number;
  /**
   * The shortest time between two wakes of the timer (default 10 ms): checks due within it start together, up to
   * that much late, so 1,000 runs a second cost about 100 wakes rather than 1,000. 0 wakes for every due time.
   */
  resolutionMs?: number;
  /** A run that starts more than this after its slot counts as late (default 1 s). */
  lateAfterMs?: number;
  /** The window of the lateness p99 (default one minute). */
  latenessWindowMs?: number;
  logger?: CheckSchedulerLogger;
}

/**
 * The scheduler's "behind" record: counters since it was created and the current lateness figures, for the
 * module's metrics (`estate_check_scheduler_lateness_seconds` and friends).
 */
export interface SchedulerBehind {
  checks: number;
  running: number;
  /** Runs waiting behind the global or a per-target cap. */
  queued: number;
  /** Runs started. */
  runs: number;
  /** Runs that started more than `lateAfterMs` after their slot. */
  lateRuns: number;
  /** Slots that got no run: the check was still queued or running, or the slot passed during a pause. */
  skippedSlots: number;
  timeouts: number;
  errors: number;
  /** Timed-out runs that ignored their signal for `abandonAfterMs` and were let go of. */
  abandoned: number;
  /** Times the clock was seen going backwards. */
  clockJumpsBack: number;
  lateness: LatenessSnapshot;
}

const IDLE = 0;
/** Waiting in the run queues, globally or on its target. */
const QUEUED = 1;
const RUNNING = 2;
/** Backward steps of the wall clock smaller than this are ignored. */
const JUMP_TOLERANCE_MS = 50;

interface RunRecord<C extends ScheduledCheck> {
  /** The run's number in the deadline heap, reused once the run is released. */
  id: number;
  slot: number;
  generation: number;
  check: C;
  targetId: number;
  slotAt: number;
  startedAt: number;
  controller: AbortController;
  /** The outcome was delivered (or dropped for a removed check). */
  finished: boolean;
  /** The concurrency places were given back. */
  released: boolean;
}

/**
 * Runs checks on their intervals with one timer for all of them. Per check the state is a few typed-array cells
 * and array entries (about 80 bytes, queues and heap included) plus the id map's entry and the check object. Two min-heaps hold every time the scheduler waits for — checks' next slots
 * and running checks' deadlines (timeout, then abandonment) — and the one timer is armed for the earliest of them,
 * capped at `maxSleepMs`: no timer per check and none per run.
 *
 * Promises:
 * - First runs spread over the interval by a hash of the check id (see slot-grid.ts), the same in every process.
 * - At most one run per check is queued or running. A slot that comes while the previous run is still queued or
 *   running is skipped, and a check late after a pause (stalled event loop, clock jump forward, suspend) runs once,
 *   its next slot re-aligned to its grid — never N catch-up runs.
 * - A clock jump backwards moves every due time back by the jump, so checks keep their rhythm instead of waiting out
 *   the jumped span.
 * - Global and per-target concurrency caps queue runs in slot order; nothing is dropped.
 * - Each run is aborted at its timeout and a `timeout` outcome is delivered then; runs of a removed check are
 *   aborted and their outcome dropped.
 * - Checks can be added, changed (a new interval applies from the next slot) and removed while it runs.
 * - No lock is held anywhere: the scheduler is plain single-threaded state; each run is its own promise.
 */
export class CheckScheduler<C extends ScheduledCheck, R> {
  private readonly clock: SchedulerClock;
  private readonly executor: CheckExecutor<C, R>;
  private readonly onResult: (run: CheckRun<C, R>) => void;
  private readonly concurrency: number;
  private readonly abandonAfterMs: number;
  private readonly maxSleepMs: number;
  private readonly resolutionMs: number;
  /** When the timer last fired (wall ms), to keep wakes `resolutionMs` apart. */
  private lastTickAt = Number.NEGATIVE_INFINITY;
  private readonly lateAfterMs: number;
  private readonly logger: CheckSchedulerLogger | undefined;
  private readonly lateness: LatenessRecord;

  // Per slot (a slot is a check's place in these arrays; removed checks' slots are reused).
  private readonly slotOf = new Map<string, number>();
  private checks: (C | undefined)[] = [];
  private runs: (RunRecord<C> | undefined)[] = [];
  private interval = new Float64Array(0);
  private phase = new Float64Array(0);
  private slotAt = new Float64Array(0);
  private state = new Uint8Array(0);
  private targetOf = new Int32Array(0);
  private generation = new Uint32Array(0);
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private readonly heap = new SlotHeap();
  /** Deadlines of runs under way, by run id: the timeout, then (once timed out) the moment to let go of the run. */
  private readonly deadlines = new SlotHeap();
  private runById: (RunRecord<C> | undefined)[] = [];
  private readonly freeRunIds: number[] = [];

  private readonly queues: RunQueues;
  private running = 0;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastNow: number;
  /** The wall clock minus the monotonic clock at the last reading. */
  private wallOffset: number;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly counters = { runs: 0, lateRuns: 0, skippedSlots: 0, timeouts: 0, errors: 0, abandoned: 0, clockJumpsBack: 0 };

  constructor(options: CheckSchedulerOptions<C, R>) {
    this.clock = options.clock ?? systemClock;
    this.executor = options.executor;
    this.onResult = options.onResult;
    this.concurrency = positive(options.concurrency ?? 2_048, 'concurrency');
    this.queues = new RunQueues(positive(options.perTargetConcurrency ?? 4, 'perTargetConcurrency'));
    this.abandonAfterMs = options.abandonAfterMs ?? 5_000;
    this.maxSleepMs = options.maxSleepMs ?? 1_000;
    this.resolutionMs = options.resolutionMs ?? 10;
    this.lateAfterMs = options.lateAfterMs ?? 1_000;
    this.logger = options.logger;
    this.lateness = new LatenessRecord({ windowMs: options.latenessWindowMs ?? 60_000 });
    this.lastNow = this.clock.now();
    this.wallOffset = this.lastNow - this.clock.monotonic();
  }

  /** How many checks are scheduled. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Schedules a new check; its first run falls on its first slot from now. Throws for an invalid or known id. */
  add(check: C): void {
    validateCheck(check);
    if (this.slotOf.has(check.id)) throw new CheckScheduleError(`A check with id ${check.id} is scheduled already.`);
    const slot = this.allocateSlot();
    this.slotOf.set(check.id, slot);
    this.checks[slot] = check;
    this.interval[slot] = check.intervalMs;
    this.phase[slot] = phaseOf(check.id, check.intervalMs);
    this.targetOf[slot] = this.queues.internTarget(check.target);
    this.state[slot] = IDLE;
    const now = this.readClock();
    this.heap.set(slot, slotAtOrAfter(this.phase[slot] as number, check.intervalMs, now));
    this.armTimer(now);
  }

  /**
   * Replaces a scheduled check (same id). A new interval applies from the next slot: the slot already due stays,
   * unless the new grid has one sooner. A new target or timeout applies from the next run; a run under way
   * finishes as it started.
   */
  update(check: C): void {
    validateCheck(check);
    const slot = this.slotOf.get(check.id);
    if (slot === undefined) throw new CheckScheduleError(`No check with id ${check.id} is scheduled.`);
    const before = this.checks[slot] as C;
    this.checks[slot] = check;
    const now = this.readClock();
    if (check.intervalMs !== before.intervalMs) {
      this.interval[slot] = check.intervalMs;
      this.phase[slot] = phaseOf(check.id, check.intervalMs);
      const sooner = slotAtOrAfter(this.phase[slot] as number, check.intervalMs, now);
      if (sooner < this.heap.dueOf(slot)) this.heap.set(slot, sooner);
    }
    if (check.target !== before.target) {
      // A queued run moves to the new target's queue, keeping its slot time.
      const queued = this.state[slot] === QUEUED;
      if (queued) this.queues.remove(slot);
      this.queues.releaseTarget(this.targetOf[slot] as number);
      this.targetOf[slot] = this.queues.internTarget(check.target);
      if (queued) this.queues.push(slot, this.targetOf[slot] as number);
      this.dispatch();
    }
    this.armTimer(now);
  }

  /** Schedules the check, or replaces it when its id is scheduled already. */
  set(check: C): void {
    if (this.slotOf.has(check.id)) this.update(check);
    else this.add(check);
  }

  /**
   * Unschedules a check. A queued run is dropped; a run under way is aborted and its outcome not delivered (it
   * still holds its concurrency place until it settles). Answers false for an unknown id.
   */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.queues.remove(slot);
    const run = this.runs[slot];
    if (run) {
      this.runs[slot] = undefined;
      run.controller.abort(new CheckRemovedError());
    }
    this.heap.remove(slot);
    this.queues.releaseTarget(this.targetOf[slot] as number);
    this.slotOf.delete(id);
    this.checks[slot] = undefined;
    this.state[slot] = IDLE;
    this.generation[slot] = ((this.generation[slot] as number) + 1) >>> 0;
    this.freeSlots.push(slot);
    this.dispatch();
    return true;
  }

  /** Queues a run of the check now, outside its grid (a "run now" button); false when one is queued or running. */
  runNow(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined || this.state[slot] !== IDLE || this.stopped) return false;
    this.enqueue(slot, this.readClock());
    this.dispatch();
    return true;
  }

  /** The scheduler's "behind" record, as of now. */
  behind(): SchedulerBehind {
    const now = this.readClock();
    return {
      checks: this.slotOf.size,
      running: this.running,
      queued: this.queues.size,
      ...this.counters,
      lateness: this.lateness.snapshot(now),
    };
  }

  /**
   * Stops scheduling: the timer is cleared and queued runs are dropped; resolves once every run under way has
   * finished (each is bounded by its timeout plus `abandonAfterMs`). Their outcomes are still delivered.
   */
  stop(): Promise<void> {
    this.stopped = true;
    // The timer keeps serving the deadlines of runs under way, so stopping waits at most for their timeouts.
    this.clearTimer();
    this.armTimer(this.readClock());
    this.queues.clear();
    for (let slot = 0; slot < this.slotCount; slot++) if (this.state[slot] === QUEUED) this.state[slot] = IDLE;
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // The clock and the timer.

  /**
   * Reads the clock. A step of the wall clock backwards (seen as its distance to the monotonic clock dropping) moves
   * every due time back by exactly the step, so checks keep their rhythm. A step forward is left alone: it looks
   * like a pause, and late checks run once.
   */
  private readClock(): number {
    const now = this.clock.now();
    const offset = now - this.clock.monotonic();
    const jump = offset - this.wallOffset;
    this.wallOffset = offset;
    // Below the tolerance it is the two clocks' rounding and slewing, not a step.
    if (jump < -JUMP_TOLERANCE_MS) {
      this.heap.shiftAll(jump);
      this.deadlines.shiftAll(jump);
      for (let slot = 0; slot < this.slotCount; slot++) this.slotAt[slot] = (this.slotAt[slot] as number) + jump;
      this.lastTickAt += jump;
      this.counters.clockJumpsBack++;
      // The armed timer was set for a due time that has just moved; let the next arm choose afresh.
      this.timerAt = Number.POSITIVE_INFINITY;
    }
    this.lastNow = now;
    return now;
  }

  private armTimer(now: number): void {
    const slot = this.stopped ? -1 : this.heap.peek();
    const run = this.deadlines.peek();
    if (slot < 0 && run < 0) {
      this.clearTimer();
      return;
    }
    const first = Math.min(
      slot < 0 ? Number.POSITIVE_INFINITY : this.heap.dueOf(slot),
      run < 0 ? Number.POSITIVE_INFINITY : this.deadlines.dueOf(run),
    );
    const wakeAt = Math.max(Math.min(first, now + this.maxSleepMs), this.lastTickAt + this.resolutionMs);
    if (this.timer !== undefined && this.timerAt <= wakeAt) return;
    this.clearTimer();
    this.timerAt = wakeAt;
    this.timer = this.clock.setTimer(() => this.tick(), Math.max(0, wakeAt - now));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /**
   * The one timer fired: runs past their deadline are timed out (or let go of), and every check due by now is moved
   * to its next slot and, unless busy, queued once.
   */
  private tick(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.readClock();
    this.lastTickAt = now;
    for (let id = this.deadlines.peek(); id >= 0 && this.deadlines.dueOf(id) <= now; id = this.deadlines.peek()) {
      const run = this.runById[id] as RunRecord<C>;
      if (!run.finished) this.timeOut(run, now);
      else {
        this.counters.abandoned++;
        this.release(run);
      }
    }
    if (this.stopped) {
      this.armTimer(now);
      return;
    }
    for (let slot = this.heap.peek(); slot >= 0 && this.heap.dueOf(slot) <= now; slot = this.heap.peek()) {
      const due = this.heap.dueOf(slot);
      const interval = this.interval[slot] as number;
      this.heap.set(slot, nextSlot(this.phase[slot] as number, interval, due, now));
      // Slots that passed entirely while nothing ran (a pause): they get no run of their own.
      const passed = Math.floor((now - due) / interval);
      if (this.state[slot] !== IDLE) this.counters.skippedSlots += 1 + passed;
      else {
        this.counters.skippedSlots += passed;
        this.enqueue(slot, due);
      }
    }
    this.dispatch();
    this.armTimer(now);
  }

  /** Queues a run of `slot` for the slot time `slotAt`. */
  private enqueue(slot: number, slotAt: number): void {
    this.slotAt[slot] = slotAt;
    this.state[slot] = QUEUED;
    this.queues.push(slot, this.targetOf[slot] as number);
  }

  // Runs.

  /** Starts queued runs while the global cap allows; every run in the global queue is within its target's cap. */
  private dispatch(): void {
    let started = false;
    while (this.running < this.concurrency && !this.stopped) {
      const slot = this.queues.shift();
      if (slot === NONE) break;
      this.start(slot);
      started = true;
    }
    // A new run's deadline may come before the time the timer is armed for.
    if (started) this.armTimer(this.lastNow);
  }

  private start(slot: number): void {
    const check = this.checks[slot] as C;
    const now = this.readClock();
    const slotAt = this.slotAt[slot] as number;
    const latenessMs = Math.max(0, now - slotAt);
    this.state[slot] = RUNNING;
    this.running++;
    this.counters.runs++;
    if (latenessMs > this.lateAfterMs) this.counters.lateRuns++;
    this.lateness.record(latenessMs, now);
    const run: RunRecord<C> = {
      id: this.freeRunIds.pop() ?? this.runById.length,
      slot,
      generation: this.generation[slot] as number,
      check,
      targetId: this.targetOf[slot] as number,
      slotAt,
      startedAt: now,
      controller: new AbortController(),
      finished: false,
      released: false,
    };
    this.runs[slot] = run;
    this.runById[run.id] = run;
    this.deadlines.set(run.id, now + check.timeoutMs);
    // The target stays interned while a run holds a place in it, even if its checks move away meanwhile.
    this.queues.holdTarget(run.targetId);
    let pending: Promise<R>;
    try {
      pending = this.executor(check, run.controller.signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    Promise.resolve(pending).then(
      (result) => this.settle(run, { kind: 'completed', result }),
      (error: unknown) => this.settle(run, { kind: 'error', error }),
    );
  }

  /** Aborts a run at its timeout and delivers the timeout; the run keeps its places until it settles or is let go. */
  private timeOut(run: RunRecord<C>, now: number): void {
    const timeoutMs = run.check.timeoutMs;
    // The new deadline first: abort() runs the executor's abort listeners synchronously.
    this.deadlines.set(run.id, now + this.abandonAfterMs);
    run.controller.abort(new CheckTimeoutError(timeoutMs));
    if (!run.finished) this.finish(run, { kind: 'timeout', timeoutMs });
  }

  private settle(run: RunRecord<C>, outcome: CheckRunOutcome<R>): void {
    if (run.released) return;
    if (!run.finished) this.finish(run, outcome);
    this.release(run);
  }

  /** Delivers a run's outcome once, unless its check was removed meanwhile. */
  private finish(run: RunRecord<C>, outcome: CheckRunOutcome<R>): void {
    run.finished = true;
    if (outcome.kind === 'timeout') this.counters.timeouts++;
    else if (outcome.kind === 'error') this.counters.errors++;
    if (this.generation[run.slot] !== run.generation) return;
    const finishedAt = this.readClock();
    try {
      this.onResult({
        check: run.check,
        slotAt: run.slotAt,
        startedAt: run.startedAt,
        finishedAt,
        latenessMs: Math.max(0, run.startedAt - run.slotAt),
        outcome,
      });
    } catch (error) {
      this.logger?.warn({ err: error, checkId: run.check.id }, 'The check result handler failed; the result is lost.');
    }
  }

  /** Gives back a run's concurrency places, lets the next waiting runs start, and wakes stop() when all are done. */
  private release(run: RunRecord<C>): void {
    if (run.released) return;
    run.released = true;
    this.deadlines.remove(run.id);
    this.runById[run.id] = undefined;
    this.freeRunIds.push(run.id);
    this.running--;
    this.queues.finished(run.targetId);
    this.queues.releaseTarget(run.targetId);
    if (this.runs[run.slot] === run) {
      this.runs[run.slot] = undefined;
      this.state[run.slot] = IDLE;
    }
    if (this.stopped) {
      if (this.running === 0) {
        this.clearTimer();
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
      return;
    }
    this.dispatch();
  }

  // Slots and targets.

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.slotCount === this.state.length) this.growSlots(Math.max(64, this.slotCount * 2));
    return this.slotCount++;
  }

  private growSlots(size: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array | Uint32Array>(from: T, make: (n: number) => T): T => {
      const to = make(size);
      to.set(from);
      return to;
    };
    this.interval = grow(this.interval, (n) => new Float64Array(n));
    this.phase = grow(this.phase, (n) => new Float64Array(n));
    this.slotAt = grow(this.slotAt, (n) => new Float64Array(n));
    this.state = grow(this.state, (n) => new Uint8Array(n));
    this.targetOf = grow(this.targetOf, (n) => new Int32Array(n));
    this.generation = grow(this.generation, (n) => new Uint32Array(n));
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new CheckScheduleError(`${name} must be a whole number of at least 1, not ${value}.`);
  return value;
}
