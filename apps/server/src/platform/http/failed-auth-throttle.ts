const WINDOW_MS = 60_000;
/** Addresses remembered at most; past that the oldest window is forgotten first (a flood of addresses costs memory once). */
const MAX_ADDRESSES = 10_000;

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Counts requests that failed to authenticate (a wrong or expired API token, no credentials on a protected route)
 * per client address in fixed one-minute windows. An address past its limit in its window gets 429
 * for any further request that does not authenticate, until the window ends; requests that do authenticate are never
 * held back by it, so people and tokens behind the same address as a guesser keep working. In memory, per process:
 * guessing a 256-bit token is hopeless anyway, this only keeps the guessing cheap for the server.
 */
export class FailedAuthThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    /** Failed authentications an address may make per minute before its uncredentialed requests are refused. */
    private readonly limit: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0 when it may. */
  retryAfterSeconds(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((window.startedAt + WINDOW_MS - this.clock()) / 1000));
  }

  failed(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures++;
      return;
    }
    if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(address, { startedAt: this.clock(), failures: 1 });
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && this.clock() - window.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
