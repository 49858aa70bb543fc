export { CheckRemovedError, CheckTimeoutError } from '@estate/checks';

/** The shortest interval a check may have. */
export const MIN_CHECK_INTERVAL_MS = 10_000;

/** What the scheduler needs of a check; the executor gets the whole check object, whatever else it holds. */
export interface ScheduledCheck {
  /** Unique among the scheduler's checks; its hash also places the check's slots within the interval. */
  readonly id: string;
  /** Milliseconds between runs, at least {@link MIN_CHECK_INTERVAL_MS}. */
  readonly intervalMs: number;
  /** Milliseconds a run may take before it is aborted and recorded as a timeout; at most the interval. */
  readonly timeoutMs: number;
  /** What the check reaches (a host name or address): runs against one target are capped together. */
  readonly target: string;
}

/**
 * Runs a check once. It should stop soon after `signal` aborts (the scheduler aborts it at the timeout, when the
 * check is removed); a run that ignores the signal still holds its concurrency place until it settles, or until
 * `abandonAfterMs` after the abort. A rejection is recorded as an `error` outcome.
 */
export type CheckExecutor<C extends ScheduledCheck, R> = (check: C, signal: AbortSignal) => Promise<R>;

/** How a run ended: the executor's result, the scheduler's timeout, or the executor's error. */
export type CheckRunOutcome<R> =
  | { kind: 'completed'; result: R }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'error'; error: unknown };

/** One finished run, handed to `onResult`. Times are epoch ms from the scheduler's clock. */
export interface CheckRun<C extends ScheduledCheck, R> {
  /** The check as it was when the run started. */
  check: C;
  /** The slot the run was for. */
  slotAt: number;
  startedAt: number;
  finishedAt: number;
  /** startedAt − slotAt, never negative: timer delay plus the wait behind the concurrency caps. */
  latenessMs: number;
  outcome: CheckRunOutcome<R>;
}

/** A check the scheduler refuses: its message says which field and why. */
export class CheckScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckScheduleError';
  }
}

/** Throws a {@link CheckScheduleError} naming the first field of `check` the scheduler cannot take. */
export function validateCheck(check: ScheduledCheck): void {
  if (typeof check.id !== 'string' || check.id === '') throw new CheckScheduleError('A check needs a non-empty id.');
  if (typeof check.target !== 'string' || check.target === '') throw new CheckScheduleError(`Check ${check.id} needs a non-empty target.`);
  if (!Number.isFinite(check.intervalMs) || check.intervalMs < MIN_CHECK_INTERVAL_MS) {
    throw new CheckScheduleError(
      `Check ${check.id}: the interval must be at least ${MIN_CHECK_INTERVAL_MS / 1000} s, not ${check.intervalMs} ms.`,
    );
  }
  if (!Number.isFinite(check.timeoutMs) || check.timeoutMs <= 0 || check.timeoutMs > check.intervalMs) {
    throw new CheckScheduleError(
      `Check ${check.id}: the timeout must be above 0 and at most the interval (${check.intervalMs} ms), not ${check.timeoutMs} ms.`,
    );
  }
}
