import type { Kysely } from 'kysely';
import type { GiveUpHandler, JobWorker } from '../../../platform/jobs';
import type { ImportTables } from './import.repository';
import { IMPORT_QUEUE, type ImportService } from './import.service';

/** The payload of an import's job. */
interface ImportJob {
  importId: string;
}

/**
 * Runs queued imports on `worker` (processes with the worker role). Re-running a finished import does nothing. When
 * the job gives up (its last attempt threw, or its worker died during it), the import is marked `failed` with the
 * error in the same transaction that marks the job dead, so it never stays `running`.
 */
export function registerImportJob(worker: JobWorker, imports: ImportService): void {
  worker.handle<ImportJob>(IMPORT_QUEUE, (job) => imports.run(job.payload.importId), { onGiveUp: failImport(imports) });
}

/** The import queue's give-up handler: fails the import with the first line of the last error. */
function failImport(imports: ImportService): GiveUpHandler<ImportJob> {
  return async (payload, error, ctx) => {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300);
    const reason = `its last attempt (${ctx.attempt} of ${ctx.maxAttempts}) failed: ${message}`;
    await imports.fail(payload.importId, reason, ctx.trx as Kysely<ImportTables>);
  };
}
