import { type JobWorker, PermanentJobError } from '../../../platform/jobs';
import { IMPORT_QUEUE, type ImportService } from './import.service';

/**
 * Runs queued imports on `worker` (processes with the worker role). Re-running a finished import does nothing. When
 * the last attempt throws, the import is marked `failed` with the error before the job dies, so it does not stay
 * `running`; a worker that dies outright is covered by {@link ImportService.recoverAbandoned}.
 */
export function registerImportJob(worker: JobWorker, imports: ImportService): void {
  worker.handle<{ importId: string }>(IMPORT_QUEUE, async (job) => {
    try {
      await imports.run(job.payload.importId);
    } catch (error) {
      if (job.attempt >= job.maxAttempts || error instanceof PermanentJobError) {
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300);
        await imports.fail(job.payload.importId, `its last attempt (${job.attempt} of ${job.maxAttempts}) failed: ${message}`);
      }
      throw error;
    }
  });
}
