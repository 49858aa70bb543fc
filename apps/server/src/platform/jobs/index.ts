/**
 * Durable jobs: `enqueue` (in the caller's transaction if wanted), workers that claim with leases, fenced
 * completion, retries with backoff, and exactly one final state (`succeeded` or `dead`) per job.
 */
export { type BackoffPolicy, DEFAULT_BACKOFF, retryDelayMs } from './backoff';
export {
  type ClaimedJob,
  type ClaimOptions,
  claimJobs,
  completeJob,
  extendLease,
  type FailureOutcome,
  failJob,
  type JobLease,
} from './job-lease';
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
export { type JobContext, type JobHandler, type JobLogger, JobWorker, type JobWorkerOptions, PermanentJobError } from './job-worker';
export type { Executor, JobStatus, JobsTable, JobTables } from './jobs.tables';
export { jsonText, parseJsonText } from './json-column';
export { HINT_FOLLOW_UPS_MS, ProcessSignal, WakeSignal } from './wake-signal';
