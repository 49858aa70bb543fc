/**
 * When a loop woken by a hint looks again, in ms after the hint: long enough for the hinting transaction to commit in
 * the usual case. Later commits are found by the next poll.
 */
export const HINT_FOLLOW_UPS_MS: readonly number[] = [100, 1_000];

/**
 * A sleep that can be cut short. A `wake()` that arrives while nobody sleeps is remembered, so the next `sleep()`
 * returns at once and a wake-up during a database round-trip is never lost. Many wakes before a sleep count as one.
 */
export class WakeSignal {
  #pending = false;
  #resolve: (() => void) | null = null;
  readonly #followUps = new Set<NodeJS.Timeout>();

  /** Ends the current sleep, or the next one if nobody sleeps now. */
  wake(): void {
    this.#pending = true;
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.();
  }

  /**
   * Wakes now and again after each of `followUpsMs`. The later wakes cover a hint sent from inside a transaction
   * that commits only after the first look found nothing (other connections cannot see uncommitted rows). A new
   * nudge restarts the follow-ups, so they always come after the latest hint.
   */
  nudge(followUpsMs: readonly number[]): void {
    this.wake();
    this.#clearFollowUps();
    for (const ms of followUpsMs) {
      const timer = setTimeout(() => {
        this.#followUps.delete(timer);
        this.wake();
      }, ms);
      timer.unref();
      this.#followUps.add(timer);
    }
  }

  /** Sleeps up to `ms` milliseconds. Resolves true when woken, false when the time ran out. */
  sleep(ms: number): Promise<boolean> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = null;
        resolve(false);
      }, ms);
      this.#resolve = () => {
        clearTimeout(timer);
        this.#pending = false;
        resolve(true);
      };
    });
  }

  /** Cancels pending follow-up wakes; call when the loop using this signal stops. */
  dispose(): void {
    this.#clearFollowUps();
  }

  #clearFollowUps(): void {
    for (const timer of this.#followUps) clearTimeout(timer);
    this.#followUps.clear();
  }
}

/**
 * A process-local broadcast: producers announce, loops in the same process listen. It is a latency hint only;
 * listeners must still find the work in the database, and other processes rely on polling.
 */
export class ProcessSignal<T> {
  readonly #listeners = new Set<(value: T) => void>();

  /** Calls every listener synchronously; a throwing listener cannot stop the others or the producer. */
  emit(value: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(value);
      } catch {
        // A hint must never fail the write that sent it.
      }
    }
  }

  /** Adds a listener; the returned function removes it. */
  listen(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
