/**
 * The pace of a scan: one limiter per scan, shared by every probe that opens a socket (TCP connects, service hints,
 * DNS and SNMP requests), bounds how many are in flight and how many start per second (a token bucket).
 */

/** Runs probes under the scan's concurrency and rate limits. */
export interface ProbeLimiter {
  /**
   * Waits for a free slot and a token, runs `probe`, then frees the slot. Rejects with the abort reason, without
   * running `probe`, when the scan is aborted while waiting.
   */
  run<T>(probe: () => Promise<T>): Promise<T>;
}

/** Options of a limiter: most probes in flight, most probe starts per second, and the scan's abort signal. */
export interface ProbeLimiterOptions {
  concurrency: number;
  ratePerSecond: number;
  signal?: AbortSignal;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/** Creates a limiter. The bucket holds 50 ms worth of tokens (at least one), so bursts stay short. */
export function createProbeLimiter(options: ProbeLimiterOptions): ProbeLimiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const rate = Math.max(1, options.ratePerSecond);
  const capacity = Math.max(1, rate / 20);
  const now = options.now ?? (() => performance.now());
  let tokens = capacity;
  let refilledAt = now();
  let inFlight = 0;
  const waiting: Array<{ resolve: () => void; reject: (reason: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;

  const refill = () => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - refilledAt) * rate) / 1000);
    refilledAt = t;
  };

  const pump = () => {
    clearTimeout(timer);
    timer = undefined;
    refill();
    while (waiting.length > 0 && inFlight < concurrency && tokens >= 1) {
      tokens -= 1;
      inFlight++;
      waiting.shift()!.resolve();
    }
    if (waiting.length > 0 && inFlight < concurrency && timer === undefined) {
      timer = setTimeout(pump, Math.max(1, Math.ceil(((1 - tokens) * 1000) / rate)));
    }
  };

  options.signal?.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      for (const waiter of waiting.splice(0)) waiter.reject(options.signal!.reason);
    },
    { once: true },
  );

  return {
    async run(probe) {
      options.signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        pump();
      });
      try {
        return await probe();
      } finally {
        inFlight--;
        pump();
      }
    },
  };
}
