/**
 * Durable jobs: `enqueue` (in the caller's transaction if wanted), workers that claim with leases, fenced
 * completion, retries with backoff, exactly one final state (`succeeded` or `dead`) per job, a give-up handler per
 * queue for jobs that die, and pruning of finished jobs.
 */
export { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff';
export {
  type GiveUpContext,
  type GiveUpHandler,
  giveUpJob,
  JobAbandonedError,
  type SweepOptions,
  sweepAbandonedJobs,
} from './job-give-up';
export {
  type ClaimedJob,
  type ClaimOptions,
  claimJobs,
  completeJob,
  extendLease,
  type FailureOutcome,
  failJob,
  type JobLease,
  LEASE_EXPIRED,
} from './job-lease';
export { cutoffOf, deleteInBatches, type PruneOptions, pruneFinishedJobs } from './job-prune';
export {
  DEFAULT_MAX_ATTEMPTS,
  type EnqueueOptions,
  type EnqueueResult,
  enqueue,
  enqueueMany,
  getJob,
  type JobRecord,
  jobsAnnounced,
} from './job-queue';
export {
  type JobContext,
  type JobHandler,
  type JobHandlerOptions,
  type JobLogger,
  JobWorker,
  type JobWorkerOptions,
  PermanentJobError,
} from './job-worker';
export type { Executor, JobStatus, JobsTable, JobTables } from './jobs.tables';
export { jsonText, parseJsonText } from './json-column';
export { HINT_FOLLOW_UPS_MS, ProcessSignal, WakeSignal } from './wake-signal';
