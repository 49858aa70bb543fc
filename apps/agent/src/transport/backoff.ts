/** How retries back off: exponential growth from `baseMs`, capped at `capMs`, with full jitter. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** The default: 1 s doubling up to 5 minutes. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000 };

/**
 * The wait before retry number `attempt` (1 for the first retry): a uniformly random time between 0 and
 * min(cap, base × 2^(attempt − 1)) ("full jitter"), so a fleet that lost its server does not come back in step.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.floor(random() * ceiling);
}
