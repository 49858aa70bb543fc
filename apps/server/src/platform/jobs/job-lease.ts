import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Executor, JobTables } from './jobs.tables';
import { jsonText, parseJsonText } from './json-column';

/**
 * A claimed run of a job: the worker holds a lease on it until `lockedUntil`. `id`, `workerId` and `attempt`
 * together are the fence token; completion, failure and heartbeats only apply while all three still match.
 */
export interface JobLease {
  id: string;
  workerId: string;
  /** Which run this is, from 1. */
  attempt: number;
}

/** A job handed to a worker by {@link claimJobs}. */
export interface ClaimedJob extends JobLease {
  queue: string;
  payload: unknown;
  maxAttempts: number;
  /** Lease expiry, epoch milliseconds. */
  lockedUntil: number;
}

/** What {@link claimJobs} may take. */
export interface ClaimOptions {
  /** Stored in `locked_by`; must be unique per worker instance across all processes. */
  workerId: string;
  /** Only jobs of these queues are claimed. */
  queues: readonly string[];
  /** At most this many jobs. */
  limit: number;
  /** Lease length in milliseconds; a job whose lease ran out is claimable again. */
  leaseMs: number;
  /** Current time, epoch milliseconds; defaults to `Date.now()`. */
  now?: number;
}

/** What happened to a failed run: retried later, given up (`dead`), or not ours any more (`lost`, nothing written). */
export type FailureOutcome = 'retrying' | 'dead' | 'lost';

/** The `last_error` of a run whose worker stopped heartbeating; a job's give-up handler sees it as the error. */
export const LEASE_EXPIRED = 'lease expired: the worker running this attempt stopped heartbeating (crashed or hung)';

/**
 * Atomically claims up to `limit` due jobs: queued jobs whose `run_at` has come, and running jobs whose lease
 * expired with attempts left. Each claimed job becomes `running`, locked by `workerId` until now + `leaseMs`, with
 * `attempts` + 1. On PostgreSQL the candidates are picked with `FOR UPDATE SKIP LOCKED` inside one UPDATE …
 * RETURNING, so concurrent claimers never get the same job and never wait on each other; on SQLite the single UPDATE
 * statement is one write transaction. Expired jobs that already used their last attempt are never run again; they
 * wait for `sweepAbandonedJobs` (job-give-up.ts) to move them to `dead` with their queue's give-up handler.
 * Returns the claimed jobs, oldest `run_at` first.
 */
export async function claimJobs(database: Database, options: ClaimOptions): Promise<ClaimedJob[]> {
  if (options.queues.length === 0 || options.limit <= 0) return [];
  const db = database.db as Kysely<JobTables>;
  const now = options.now ?? Date.now();
  const queues = [...options.queues];

  const lockedUntil = now + options.leaseMs;
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      // SET expressions read the row as it was, so this records why a running job is being taken over.
      last_error: eb.case().when('status', '=', 'running').then(LEASE_EXPIRED).else(eb.ref('last_error')).end(),
      status: 'running',
      locked_by: options.workerId,
      locked_until: lockedUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('queue', 'in', queues)
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'queued'), w('run_at', '<=', now)]),
            w.and([w('status', '=', 'running'), w('locked_until', '<=', now)]),
          ]),
        )
        .where((w) => w('attempts', '<', w.ref('max_attempts')))
        .orderBy('run_at')
        .orderBy('id')
        .limit(options.limit)
        .$if(database.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
    )
    .returning(['id', 'queue', jsonText('payload').as('payload'), 'attempts', 'max_attempts', 'run_at'])
    .execute();

  rows.sort((a, b) => a.run_at - b.run_at || (a.id < b.id ? -1 : 1));
  return rows.map((r) => ({
    id: r.id,
    workerId: options.workerId,
    attempt: r.attempts,
    queue: r.queue,
    payload: parseJsonText(r.payload),
    maxAttempts: r.max_attempts,
    lockedUntil,
  }));
}

/**
 * Marks a claimed run `succeeded` with an optional JSON `result`. Fenced by the lease: returns false and writes
 * nothing when the run is no longer ours (lease expired and the job was reclaimed, or it was already finished).
 */
export async function completeJob(executor: Executor, lease: JobLease, result?: unknown, now = Date.now()): Promise<boolean> {
  const updated = await fenced(executor, lease)
    .set({
      status: 'succeeded',
      result: result === undefined ? null : JSON.stringify(result),
      locked_by: null,
      locked_until: null,
      updated_at: now,
      finished_at: now,
    })
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/**
 * Records a failed run. While attempts remain and `retryAt` is given, the job goes back to `queued` at `retryAt`
 * (epoch ms); otherwise it becomes `dead`, a final state. `last_error` keeps the error's stack or message (at most
 * 4000 characters). Fenced like {@link completeJob}: a run that is no longer ours returns `lost` and writes nothing.
 */
export async function failJob(
  executor: Executor,
  lease: JobLease & { maxAttempts: number },
  error: unknown,
  retryAt: number | null,
  now = Date.now(),
): Promise<FailureOutcome> {
  const dead = retryAt === null || lease.attempt >= lease.maxAttempts;
  const updated = await fenced(executor, lease)
    .set({
      status: dead ? 'dead' : 'queued',
      run_at: dead ? now : (retryAt as number),
      last_error: describeError(error),
      locked_by: null,
      locked_until: null,
      updated_at: now,
      finished_at: dead ? now : null,
    })
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return 'lost';
  return dead ? 'dead' : 'retrying';
}

/**
 * Heartbeat: extends a claimed run's lease to now + `leaseMs`. Returns false when the run is no longer ours, in which
 * case the caller should stop working on it (its result would be discarded anyway).
 */
export async function extendLease(executor: Executor, lease: JobLease, leaseMs: number, now = Date.now()): Promise<boolean> {
  const updated = await fenced(executor, lease)
    .set({ locked_until: now + leaseMs, updated_at: now })
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

function fenced(executor: Executor, lease: JobLease) {
  return (executor as Kysely<JobTables>)
    .updateTable('jobs')
    .where('id', '=', lease.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', lease.workerId)
    .where('attempts', '=', lease.attempt);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return text.length > 4000 ? `${text.slice(0, 3997)}...` : text;
}
