import type { Database } from '../db/database';
import { HINT_FOLLOW_UPS_MS, type JobLogger, WakeSignal } from '../jobs';
import type { EventBus } from './event-bus';
import { dispatchOutbox, eventsPublished } from './outbox';

/** Tuning for an {@link OutboxDispatcher}; every field has a default. */
export interface OutboxDispatcherOptions {
  /** How often an idle dispatcher looks for new events, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Events per transaction. Default 100. */
  batchSize?: number;
  logger?: JobLogger;
}

/**
 * Runs {@link dispatchOutbox} in the background: at once after a publish in this process, otherwise every
 * `pollIntervalMs` (which is how events published by other processes are found). Any number of dispatchers may
 * run against one database. Delivery itself is done by a `JobWorker` set up with `registerEventDelivery`.
 */
export class OutboxDispatcher {
  readonly #database: Database;
  readonly #bus: EventBus;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #logger: JobLogger;
  readonly #wake = new WakeSignal();
  #running = false;
  #loop: Promise<void> | null = null;
  #unlisten: (() => void) | null = null;

  constructor(database: Database, bus: EventBus, options: OutboxDispatcherOptions = {}) {
    this.#database = database;
    this.#bus = bus;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#logger = options.logger ?? {
      warn: (details, message) => console.warn(`[events] ${message}`, details),
      error: (details, message) => console.error(`[events] ${message}`, details),
    };
  }

  /** Starts dispatching in the background. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unlisten = eventsPublished.listen(() => this.notify());
    this.#loop = this.#dispatchLoop();
  }

  /** Stops after the batch in progress, if any, has committed or rolled back. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unlisten?.();
    this.#wake.wake();
    this.#wake.dispose();
    await this.#loop;
  }

  /** A hint that events may be waiting: look now, and again 0.1 s and 1 s later in case their transaction was still open. */
  notify(): void {
    if (this.#running) this.#wake.nudge(HINT_FOLLOW_UPS_MS.filter((ms) => ms < this.#pollIntervalMs));
  }

  /** Dispatches batches until none is left; for tests and one-shot tools. Returns how many events were dispatched. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await dispatchOutbox(this.#database, this.#bus, { batchSize: this.#batchSize });
      total += n;
      if (n < this.#batchSize) return total;
    }
  }

  async #dispatchLoop(): Promise<void> {
    while (this.#running) {
      let full = false;
      try {
        full = (await dispatchOutbox(this.#database, this.#bus, { batchSize: this.#batchSize })) === this.#batchSize;
      } catch (err) {
        this.#logger.error({ err }, 'dispatching the outbox failed; retrying at the next poll');
      }
      if (full) continue;
      if (this.#running) await this.#wake.sleep(this.#pollIntervalMs);
    }
  }
}
