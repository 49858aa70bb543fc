/**
 * Fake timers for probe tests: a probe ends at its timeout only when the test moves the clock there, so a probe that
 * ends while the clock stands still ended for another reason (an answer, a byte cap, an abort). Sockets and other
 * I/O keep running for real.
 */
import { setImmediate } from 'node:timers/promises';
import { vi } from 'vitest';

/** Runs `test` with `setTimeout` and `clearTimeout` faked (the clock stands at 0 until moved), then restores them. */
export async function withFakeTimers(test: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], now: 0 });
  try {
    await test();
  } finally {
    vi.useRealTimers();
  }
}

/**
 * Waits, without moving the clock, until `check` stops throwing; unlike vi.waitFor, which advances fake timers on
 * every try. Only I/O and immediates run meanwhile; the test's own timeout bounds the wait.
 */
export async function untilPasses(check: () => void): Promise<void> {
  for (;;) {
    try {
      check();
      return;
    } catch {
      await setImmediate();
    }
  }
}
