import type { Database } from '../db/database';
import { pruneDispatchedEvents } from '../events';
import { type JobLogger, JobWorker, pruneFinishedJobs } from '../jobs';
import type { ScheduleRegistry } from '../scheduler/scheduler';
import type { EstateModule } from './estate-module';

/** How often finished jobs and dispatched events past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often jobs whose worker died on their last attempt are buried (workers also do it before each claim). */
const SWEEP_EVERY_MS = 60_000;

/**
 * The platform's own periodic work, beside the modules': pruning finished jobs and dispatched outbox events older
 * than `retentionMs`, and burying jobs whose worker died on their last attempt with their queue's give-up handler
 * (so an import or a scan run is failed even when no worker serves its queue any more). The give-up handlers are
 * those the modules register on a worker; this process's copy of them is never started.
 */
export function schedulePlatformTasks(
  scheduler: ScheduleRegistry,
  database: Database,
  options: { retentionMs: number; modules: readonly EstateModule[]; logger?: JobLogger },
): void {
  const handlers = new JobWorker(database, options.logger ? { logger: options.logger } : {});
  for (const module of options.modules) module.jobs?.(handlers);
  scheduler.every('platform.sweep-abandoned-jobs', SWEEP_EVERY_MS, (now) => handlers.sweepAbandoned({ now }));
  scheduler.every('platform.prune-jobs', PRUNE_EVERY_MS, (now) => pruneFinishedJobs(database.db, options.retentionMs, { now }));
  scheduler.every('platform.prune-events', PRUNE_EVERY_MS, (now) => pruneDispatchedEvents(database.db, options.retentionMs, { now }));
}
