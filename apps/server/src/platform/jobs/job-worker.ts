import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/database';
import { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff';
import { type GiveUpHandler, giveUpJob, sweepAbandonedJobs } from './job-give-up';
import { type ClaimedJob, claimJobs, completeJob, extendLease, failJob } from './job-lease';
import { jobsAnnounced } from './job-queue';
import { HINT_FOLLOW_UPS_MS, WakeSignal } from './wake-signal';

/** What a handler is given for one run of a job. */
export interface JobContext<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** Which run this is, from 1; a run whose worker died counts too. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the lease is lost (another worker may now run the job) or the worker stops past its grace time. */
  signal: AbortSignal;
}

/**
 * Runs one job. The resolved value (any JSON) is stored as the job's result. A throw fails the run: it is retried
 * with backoff until `maxAttempts`, then the job is `dead`. Delivery is at least once (a crash after the work but
 * before the completion is written runs it again), so handlers must be idempotent.
 */
export type JobHandler<P = unknown> = (job: JobContext<P>) => unknown;

/** What else a queue's registration may say besides its handler. */
export interface JobHandlerOptions<P = unknown> {
  /**
   * Called when a job of the queue is `dead` for good (its last attempt threw, a run threw a
   * {@link PermanentJobError}, or its worker died during the last attempt), in the transaction that marks it dead.
   * See {@link GiveUpHandler} for what a throw does.
   */
  onGiveUp?: GiveUpHandler<P>;
}

/** Thrown by a handler for a failure that retrying cannot fix (bad payload…): the job goes straight to `dead`. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Where the worker reports trouble; pino's logger fits. */
export interface JobLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Tuning for a {@link JobWorker}; every field has a default. */
export interface JobWorkerOptions {
  /** Unique per worker across processes; defaults to `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Handlers running at once. Default 4. */
  concurrency?: number;
  /** How often an idle worker looks for due jobs, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Lease length in ms; another worker may take a job over once its lease runs out. Default 30 000. */
  leaseMs?: number;
  /** How often a running handler's lease is extended, in ms. Default a third of `leaseMs`. */
  heartbeatMs?: number;
  /** Retry delays. Default {@link DEFAULT_BACKOFF}. */
  backoff?: BackoffPolicy;
  /** How long `stop()` waits for running handlers before aborting their signals, in ms. Default 10 000. */
  shutdownTimeoutMs?: number;
  logger?: JobLogger;
  /**
   * The clock leases, heartbeats and retry times are computed from, in epoch milliseconds. Default `Date.now`; tests
   * pass their own to move time forward without waiting.
   */
  now?: () => number;
}

const consoleLogger: JobLogger = {
  warn: (details, message) => console.warn(`[jobs] ${message}`, details),
  error: (details, message) => console.error(`[jobs] ${message}`, details),
};

/**
 * Claims due jobs of the queues it has handlers for and runs them, `concurrency` at a time, extending each lease
 * while its handler runs. Several workers, in one or many processes, may share a database: a job is handed to one
 * worker at a time, and completion is fenced, so a worker that lost its lease cannot finish the job again.
 */
export class JobWorker {
  /** This worker's `locked_by` value. */
  readonly id: string;
  readonly #database: Database;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #giveUps: Record<string, GiveUpHandler | null> = {};
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #heartbeatMs: number;
  readonly #backoff: BackoffPolicy;
  readonly #shutdownTimeoutMs: number;
  readonly #logger: JobLogger;
  readonly #now: () => number;
  readonly #wake = new WakeSignal();
  readonly #inFlight = new Map<Promise<void>, AbortController>();
  #running = false;
  #saturated = false;
  #loop: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #unlisten: (() => void) | null = null;

  constructor(database: Database, options: JobWorkerOptions = {}) {
    this.#database = database;
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.#leaseMs / 3));
    if (this.#heartbeatMs >= this.#leaseMs) throw new Error('JobWorker: heartbeatMs must be shorter than leaseMs');
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
    this.#logger = options.logger ?? consoleLogger;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Registers the handler for `queue`, and what to do when one of its jobs dies for good (`options.onGiveUp`). One
   * handler per queue; register before `start()`. Returns this worker.
   */
  handle<P = unknown>(queue: string, handler: JobHandler<P>, options: JobHandlerOptions<P> = {}): this {
    if (this.#handlers.has(queue)) throw new Error(`A handler for job queue "${queue}" is already registered`);
    this.#handlers.set(queue, handler as JobHandler);
    this.#giveUps[queue] = (options.onGiveUp as GiveUpHandler | undefined) ?? null;
    return this;
  }

  /**
   * Buries this worker's jobs whose worker died on their last attempt, running their queues' give-up handlers
   * (see {@link sweepAbandonedJobs}). The worker does this itself before each claim; a process that registers the
   * handlers without starting the worker (a scheduler) may call it periodically. Returns how many it buried.
   */
  sweepAbandoned(options: { now?: number } = {}): Promise<number> {
    return sweepAbandonedJobs(this.#database, this.#giveUps, options);
  }

  /** The queues this worker claims from. */
  get queues(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Starts polling in the background. Idempotent. Also wakes up on jobs enqueued in this process. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = null;
    this.#unlisten = jobsAnnounced.listen((queue) => {
      if (this.#handlers.has(queue)) this.notify();
    });
    this.#loop = this.#pollLoop();
  }

  /**
   * Stops claiming, then waits up to `shutdownTimeoutMs` for running handlers. Handlers still running after that
   * have their signal aborted and are left behind; their jobs are retried once their leases expire. Idempotent:
   * every call resolves when the one shutdown is over.
   */
  stop(): Promise<void> {
    if (!this.#stopping) this.#stopping = this.#running ? this.#shutdown() : Promise.resolve();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#running = false;
    this.#unlisten?.();
    this.#wake.wake();
    this.#wake.dispose();
    await this.#loop;
    if (await settlesWithin([...this.#inFlight.keys()], this.#shutdownTimeoutMs)) return;
    for (const controller of this.#inFlight.values()) controller.abort(new Error('job worker stopping'));
    // A moment for handlers that honour the signal to record their outcome; bounded, as stop() promises.
    await settlesWithin([...this.#inFlight.keys()], Math.min(1_000, this.#shutdownTimeoutMs));
  }

  /**
   * A hint that jobs may be due now: a started worker looks at once instead of at its next poll, and again 0.1 s
   * and 1 s later, in case the hint was sent before the enqueuing transaction committed.
   */
  notify(): void {
    if (this.#running) this.#wake.nudge(HINT_FOLLOW_UPS_MS.filter((ms) => ms < this.#pollIntervalMs));
  }

  /**
   * For tests and one-shot tools on a worker that is not started: claims up to `concurrency` due jobs, runs them to
   * their outcome and returns how many ran.
   */
  async runOnce(): Promise<number> {
    if (this.#running) throw new Error('runOnce() and drain() are for a worker that is not started');
    const jobs = await this.#claim(this.#concurrency);
    await Promise.all(jobs.map((job) => this.#launch(job)));
    return jobs.length;
  }

  /** Calls {@link runOnce} until no job is due (jobs waiting for a later `run_at` stay). Returns how many ran. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.runOnce(); n > 0; n = await this.runOnce()) total += n;
    return total;
  }

  async #pollLoop(): Promise<void> {
    while (this.#running) {
      const free = this.#concurrency - this.#inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.#claim(free);
          for (const job of jobs) void this.#launch(job);
          claimed = jobs.length;
        } catch (err) {
          this.#logger.error({ err, workerId: this.id }, 'claiming jobs failed; retrying at the next poll');
        }
      }
      // All slots filled: more may be due, so look again as soon as a slot frees up.
      this.#saturated = free > 0 ? claimed === free : true;
      if (this.#saturated && free > 0) continue;
      if (this.#running) await this.#wake.sleep(this.#pollIntervalMs);
    }
  }

  async #claim(limit: number): Promise<ClaimedJob[]> {
    try {
      await this.sweepAbandoned({ now: this.#now() });
    } catch (err) {
      // A give-up handler that keeps failing must not stop this worker from running other jobs.
      this.#logger.error({ err, workerId: this.id }, 'burying abandoned jobs failed; retrying at the next poll');
    }
    return claimJobs(this.#database, { workerId: this.id, queues: this.queues, limit, leaseMs: this.#leaseMs, now: this.#now() });
  }

  #launch(job: ClaimedJob): Promise<void> {
    const controller = new AbortController();
    const run = this.#run(job, controller).finally(() => {
      this.#inFlight.delete(run);
      if (this.#saturated) this.#wake.wake();
    });
    this.#inFlight.set(run, controller);
    return run;
  }

  async #run(job: ClaimedJob, controller: AbortController): Promise<void> {
    const db = this.#database.db;
    const handler = this.#handlers.get(job.queue) as JobHandler;
    let heartbeat: NodeJS.Timeout | undefined;
    let handlerDone = false;
    const beat = () => {
      heartbeat = setTimeout(async () => {
        try {
          if (!(await extendLease(db, job, this.#leaseMs, this.#now()))) {
            controller.abort(new Error('job lease lost'));
            return;
          }
        } catch (err) {
          this.#logger.warn({ err, jobId: job.id }, 'extending a job lease failed; will retry');
        }
        // A beat still in flight when the handler returned must not schedule another.
        if (!controller.signal.aborted && !handlerDone) beat();
      }, this.#heartbeatMs);
    };
    beat();
    try {
      let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
      try {
        const context = { id: job.id, queue: job.queue, payload: job.payload, attempt: job.attempt, maxAttempts: job.maxAttempts };
        outcome = { ok: true, result: await handler({ ...context, signal: controller.signal }) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      handlerDone = true;
      clearTimeout(heartbeat);
      if (outcome.ok) {
        if (!(await completeJob(db, job, outcome.result, this.#now()))) {
          this.#logger.warn(
            { jobId: job.id, queue: job.queue, attempt: job.attempt },
            'job finished after its lease was lost; result discarded',
          );
        }
        return;
      }
      const retryAt = outcome.error instanceof PermanentJobError ? null : this.#now() + retryDelayMs(job.attempt, this.#backoff);
      const onGiveUp = this.#giveUps[job.queue];
      // If `onGiveUp` throws, nothing is written: the lease runs out, and the job is swept (or, with attempts left
      // after a PermanentJobError, run again).
      const result =
        onGiveUp && (retryAt === null || job.attempt >= job.maxAttempts)
          ? await giveUpJob(this.#database, job, outcome.error, onGiveUp, this.#now())
          : await failJob(db, job, outcome.error, retryAt, this.#now());
      if (result === 'dead') {
        this.#logger.warn({ jobId: job.id, queue: job.queue, attempt: job.attempt, err: outcome.error }, 'job failed for good');
      }
    } catch (err) {
      // The outcome could not be written (database down): the lease expires and the job is claimed again.
      this.#logger.error({ err, jobId: job.id, queue: job.queue }, 'recording a job outcome failed');
    } finally {
      handlerDone = true;
      clearTimeout(heartbeat);
    }
  }
}

async function settlesWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
