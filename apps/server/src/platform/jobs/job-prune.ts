import type { Kysely } from 'kysely';
import type { Executor, JobTables } from './jobs.tables';

/** Options of the pruning functions. */
export interface PruneOptions {
  /** Current time, epoch milliseconds; defaults to `Date.now()`. */
  now?: number;
  /** Rows deleted per statement (default 1000): each batch is its own short statement, so no lock is held for long. */
  batchSize?: number;
}

/**
 * Deletes rows chosen by `batch` (which deletes at most `size` rows and returns how many) until a batch comes back
 * short. Outside a transaction every batch commits on its own. Returns the total deleted.
 */
export async function deleteInBatches(size: number, batch: (size: number) => Promise<number>): Promise<number> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`batchSize must be an integer >= 1, got ${size}`);
  let total = 0;
  for (;;) {
    const deleted = await batch(size);
    total += deleted;
    if (deleted < size) return total;
  }
}

/**
 * Deletes finished jobs (`succeeded` or `dead`) that finished more than `olderThanMs` milliseconds before now, in
 * batches (see {@link PruneOptions}); queued and running jobs are never touched. A pruned job's dedupe key is free
 * again, so prune only past the time anyone could enqueue the same key again. Idempotent; returns how many it deleted.
 */
export async function pruneFinishedJobs(executor: Executor, olderThanMs: number, options: PruneOptions = {}): Promise<number> {
  const cutoff = cutoffOf(olderThanMs, options.now);
  const db = executor as Kysely<JobTables>;
  return deleteInBatches(options.batchSize ?? 1000, async (size) => {
    const result = await db
      .deleteFrom('jobs')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', 'in', ['succeeded', 'dead'])
          // A job only finishes after it was due (run_at <= finished_at), so this adds nothing to the finished_at
          // test but lets the (status, run_at) index find the candidates without a new index.
          .where('run_at', '<', cutoff)
          .where('finished_at', '<', cutoff)
          .limit(size),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** The epoch-millisecond cutoff `olderThanMs` before `now`; throws on a negative or non-finite age. */
export function cutoffOf(olderThanMs: number, now = Date.now()): number {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) throw new Error(`olderThanMs must be a finite number >= 0, got ${olderThanMs}`);
  return now - olderThanMs;
}
