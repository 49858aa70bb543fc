/** How long to wait before retrying a failed job. */
export interface BackoffPolicy {
  /** Delay after the first failed attempt before jitter, in milliseconds. Doubles with every further attempt. */
  baseMs: number;
  /** Upper bound of the delay before jitter, in milliseconds. */
  capMs: number;
}

/** One second, doubling, capped at five minutes: a job with the default 5 attempts gives up after about 15 s. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = { baseMs: 1_000, capMs: 300_000 };

/**
 * The delay in milliseconds before the next try after `failedAttempts` attempts have failed (1 for the first
 * failure). Exponential with "equal jitter": the ceiling is `min(capMs, baseMs * 2^(failedAttempts-1))` and the
 * result lies uniformly in [ceiling/2, ceiling], so retries of jobs that failed together spread out, yet never come
 * sooner than half the nominal delay. `random` returns a number in [0, 1); it is injectable for tests.
 */
export function retryDelayMs(failedAttempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 52));
  const ceiling = Math.max(0, Math.min(policy.capMs, policy.baseMs * 2 ** exponent));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
