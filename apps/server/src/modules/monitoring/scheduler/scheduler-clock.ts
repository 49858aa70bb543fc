/**
 * Time as the check scheduler sees it: a wall clock that may jump (epoch ms) and one-shot timers. The scheduler
 * keeps a single timer armed at a time; tests hand it a fake to move time by hand.
 */
export interface SchedulerClock {
  /** Wall-clock time in epoch milliseconds. It may jump either way; the scheduler copes. */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never jump (they may stand still while the machine sleeps). Only the
   * difference to `now()` is used: when it drops, the wall clock was stepped back by that much.
   */
  monotonic(): number;
  /** Calls `fn` once after about `delayMs`; the handle is for {@link clearTimer}. */
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process's clock: Date.now and setTimeout (whose delays run on a monotonic clock in Node). */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
