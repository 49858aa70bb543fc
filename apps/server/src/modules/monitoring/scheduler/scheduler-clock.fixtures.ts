import { setImmediate as turn } from 'node:timers/promises';
import type { SchedulerClock } from './scheduler-clock';

/** Lets every pending promise callback run (one macrotask turn of the real event loop; no real time waited). */
export const settle = () => turn();

/**
 * A clock for tests, with Node's two notions of time kept apart: timers run on a monotonic time that only
 * `advance` and `stall` move, while `now()` is that time plus a wall-clock offset that `jumpWall` changes — as a
 * system clock step changes Date.now() but not when a setTimeout fires.
 */
export class FakeClock implements SchedulerClock {
  private elapsed = 0;
  private offset: number;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(startWall = Date.UTC(2026, 0, 1)) {
    this.offset = startWall;
  }

  now(): number {
    return this.elapsed + this.offset;
  }

  monotonic(): number {
    return this.elapsed;
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.elapsed + Math.max(0, delayMs), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers fired so far. */
  fired = 0;

  /** Timers armed now. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing each timer at its own time in order and letting promise callbacks run after
   * each, so work started by one timer can finish before the next fires.
   */
  async advance(ms: number): Promise<void> {
    const end = this.elapsed + ms;
    for (;;) {
      await settle();
      let nextId = -1;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const [id, t] of this.timers) {
        if (t.at < nextAt || (t.at === nextAt && id < nextId)) {
          nextId = id;
          nextAt = t.at;
        }
      }
      if (nextId < 0 || nextAt > end) break;
      const timer = this.timers.get(nextId) as { at: number; fn: () => void };
      this.timers.delete(nextId);
      this.elapsed = Math.max(this.elapsed, nextAt);
      this.fired++;
      timer.fn();
    }
    this.elapsed = end;
    await settle();
  }

  /** The event loop is blocked for `ms`: time passes and nothing fires until the next `advance`. */
  stall(ms: number): void {
    this.elapsed += ms;
  }

  /** The wall clock is stepped by `ms` (negative: backwards); timers keep their monotonic deadlines. */
  jumpWall(ms: number): void {
    this.offset += ms;
  }

  /** Resolves after `ms` of fake time, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const handle = this.setTimer(resolve, ms);
      signal?.addEventListener('abort', () => {
        this.clearTimer(handle);
        reject(signal.reason);
      });
    });
  }
}
