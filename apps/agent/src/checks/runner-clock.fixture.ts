import type { RunnerClock } from './check-runner';

/** A clock whose time moves only when a test says so; `advance` fires the timers that fall due, in order. */
export interface FakeRunnerClock extends RunnerClock {
  /** Moves time on by `ms`, firing each timer due on the way at its own time. */
  advance(ms: number): void;
  /** Moves time on without firing anything (a suspended host), until the next `advance`. */
  jump(ms: number): void;
}

export function fakeRunnerClock(start: number): FakeRunnerClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer(fn, ms) {
      seq++;
      timers.set(seq, { at: now + ms, fn });
      return seq;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].fn();
      }
      now = end;
    },
    jump(ms) {
      now += ms;
    },
  };
}
