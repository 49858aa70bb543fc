import type { Kysely } from 'kysely';

/**
 * Where a job is in its life. `queued` and `running` are live; `succeeded` and `dead` are final, and a job reaches
 * exactly one of them exactly once.
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'dead';

/** Row shape of the `jobs` table (migration 0001). Times are epoch milliseconds; JSON columns are jsonb or text. */
export interface JobsTable {
  id: string;
  queue: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  result: unknown;
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** The tables the jobs module reads and writes. */
export interface JobTables {
  jobs: JobsTable;
}

/**
 * A database handle or an open transaction of any module (`Kysely<AuthTables>`, `Transaction<…>`): the jobs and
 * outbox functions accept whichever the caller holds, so they can join the caller's transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: every module types its own tables; these functions only touch theirs.
export type Executor = Kysely<any>;
