import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { failJob, type JobLease, LEASE_EXPIRED } from './job-lease';
import type { Executor, JobTables } from './jobs.tables';
import { jsonText, parseJsonText } from './json-column';

/** What a give-up handler is told about the job that died, besides its payload and last error. */
export interface GiveUpContext {
  id: string;
  queue: string;
  /** The run that failed last, from 1. */
  attempt: number;
  maxAttempts: number;
  /**
   * The open transaction that marks the job `dead`. Write the consequence with it (and nothing else: on SQLite a
   * second connection would wait for this one), so the job's death and its consequence commit together or not at all.
   */
  trx: Executor;
}

/**
 * Runs once a job is `dead` for good, to settle whatever the job was doing (mark an import or a scan run failed…),
 * inside the transaction that marks the job dead. A throw rolls both back: the job stays `running` until its lease
 * expires and {@link sweepAbandonedJobs} tries again, so a handler may run more than once and must be idempotent
 * (at least once; exactly one attempt commits). `error` is what the last run threw, or a {@link JobAbandonedError}
 * when its worker died.
 */
export type GiveUpHandler<P = unknown> = (payload: P, error: unknown, ctx: GiveUpContext) => unknown;

/** The error a give-up handler is handed when the job's worker died (stopped heartbeating) during its last attempt. */
export class JobAbandonedError extends Error {
  override name = 'JobAbandonedError';
  constructor() {
    super(LEASE_EXPIRED);
  }
}

/**
 * Records a run's final failure and runs `onGiveUp` in one transaction: the job becomes `dead` (fenced as
 * `failJob` is) and, when that write was still ours, `onGiveUp` settles its consequence. Returns `dead`, or `lost`
 * (nothing written, handler not run) when the run was no longer ours. Throws what `onGiveUp` throws, with nothing
 * written.
 */
export function giveUpJob<P>(
  database: Pick<Database, 'db'>,
  lease: JobLease & { queue: string; maxAttempts: number; payload: P },
  error: unknown,
  onGiveUp: GiveUpHandler<P>,
  now = Date.now(),
): Promise<'dead' | 'lost'> {
  return (database.db as Kysely<JobTables>).transaction().execute(async (trx) => {
    if ((await failJob(trx, lease, error, null, now)) === 'lost') return 'lost';
    const ctx: GiveUpContext = { id: lease.id, queue: lease.queue, attempt: lease.attempt, maxAttempts: lease.maxAttempts, trx };
    await onGiveUp(lease.payload, error, ctx);
    return 'dead';
  });
}

/** Options of {@link sweepAbandonedJobs}. */
export interface SweepOptions {
  /** Current time, epoch milliseconds; defaults to `Date.now()`. */
  now?: number;
  /** At most this many jobs per call (default 100); the rest wait for the next sweep. */
  limit?: number;
}

/**
 * Buries jobs whose worker died during their last attempt: `running`, lease expired, no attempt left. Only jobs of
 * the queues named in `queues` are swept; each is moved to `dead` (last error: lease expired) and its queue's
 * give-up handler, when not null, runs in the same transaction, one job per transaction. A job another sweeper or
 * worker settles first is skipped (the update is conditional). A handler that throws leaves its job for the next
 * sweep; the others are still buried, and the first such error is thrown once all were tried. Idempotent; returns
 * how many jobs it buried. Workers call it before each claim for their own queues, so it only needs calling from
 * elsewhere in a process that runs no worker for those queues.
 */
export async function sweepAbandonedJobs(
  database: Pick<Database, 'db'>,
  queues: Readonly<Record<string, GiveUpHandler | null>>,
  options: SweepOptions = {},
): Promise<number> {
  const names = Object.keys(queues);
  if (names.length === 0) return 0;
  const db = database.db as Kysely<JobTables>;
  const now = options.now ?? Date.now();
  const abandoned = await db
    .selectFrom('jobs')
    .select(['id', 'queue', jsonText('payload').as('payload'), 'attempts', 'max_attempts'])
    .where('queue', 'in', names)
    .where('status', '=', 'running')
    .where('locked_until', '<=', now)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .orderBy('locked_until')
    .limit(options.limit ?? 100)
    .execute();
  let buried = 0;
  const failures: unknown[] = [];
  for (const job of abandoned) {
    try {
      const done = await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('jobs')
          .set({ status: 'dead', last_error: LEASE_EXPIRED, locked_by: null, locked_until: null, updated_at: now, finished_at: now })
          .where('id', '=', job.id)
          .where('status', '=', 'running')
          .where('locked_until', '<=', now)
          .where('attempts', '=', job.attempts)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) return false;
        const ctx: GiveUpContext = { id: job.id, queue: job.queue, attempt: job.attempts, maxAttempts: job.max_attempts, trx };
        await queues[job.queue]?.(parseJsonText(job.payload), new JobAbandonedError(), ctx);
        return true;
      });
      if (done) buried++;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} abandoned job(s) could not be given up; they stay for the next sweep`);
  }
  return buried;
}
