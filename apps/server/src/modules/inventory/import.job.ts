import type { JobWorker } from '../../platform/jobs';
import { IMPORT_QUEUE, type ImportService } from './import.service';

/** Runs queued imports on `worker` (processes with the worker role). Re-running a finished import does nothing. */
export function registerImportJob(worker: JobWorker, imports: ImportService): void {
  worker.handle<{ importId: string }>(IMPORT_QUEUE, (job) => imports.run(job.payload.importId));
}
