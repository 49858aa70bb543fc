/**
 * Coalesces lookups by key that arrive while the event loop is busy into one statement (the DataLoader pattern).
 * Requests read from their sockets in one turn of the loop each ask for their own row; the first ask schedules a
 * fetch for the end of that turn (`setImmediate`), and every key asked for until then goes into it. An idle server
 * therefore fetches one key at a time, with no added wait, while a loaded one sends one statement, one write and
 * one wake-up of a PostgreSQL backend for many requests. Each key is fetched at most once per batch; a failed fetch
 * fails every caller in it. Nothing is cached beyond the batch.
 */
export class BatchLoader<K, V> {
  private pending: Map<K, Array<{ resolve: (value: V | undefined) => void; reject: (err: unknown) => void }>> | null = null;

  /**
   * @param fetch reads the given distinct keys (at most `maxBatch`) and answers what it found, by key.
   * @param maxBatch keys per statement; a larger batch is split.
   */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 100,
  ) {}

  /** The value of `key`, or undefined when the fetch did not find it. */
  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.pending === null) {
        this.pending = new Map();
        setImmediate(() => this.dispatch());
      }
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private dispatch(): void {
    const batch = this.pending;
    this.pending = null;
    if (batch === null) return;
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) {
      const chunk = keys.slice(i, i + this.maxBatch);
      this.fetch(chunk).then(
        (found) => {
          for (const key of chunk) for (const waiter of batch.get(key) ?? []) waiter.resolve(found.get(key));
        },
        (err: unknown) => {
          for (const key of chunk) for (const waiter of batch.get(key) ?? []) waiter.reject(err);
        },
      );
    }
  }
}
