import type { Kysely } from 'kysely';
import type { JobWorker } from '../../platform/jobs';
import { PermanentJobError } from '../../platform/jobs';
import type { InventoryService } from '../inventory';
import { createIdentityService } from './identity/identity.service';
import { createScanEngine } from './scan/engine/engine';
import type { ScanEngine } from './scan/engine/scan-types';
import { expandTargets } from './scan/engine/targets';
import type { LocalHost } from './scan/local-host';
import { SCAN_RUN_QUEUE, type ScanTables } from './scan/scan.repository';
import { ScanRunService } from './scan/scan-run.service';
import { createScanServices, type DiscoveryScanDeps } from './scan/scan-services';

/** What scan runs are built from: the scan services' dependencies, the engine, and the inventory findings go into. */
export interface DiscoveryJobDeps extends DiscoveryScanDeps {
  /** The scan engine; `createScanEngine()` of `scan/engine/engine.ts` unless a test gives a scripted one. */
  engine?: ScanEngine;
  /** The inventory findings go into, through identity reconciliation and relationship rules. */
  inventory: InventoryService;
  /** Least time between two progress writes of a run, in ms. */
  progressIntervalMs?: number;
  /** The identity of the machine scans run on; read from the operating system unless a test gives one. */
  localHost?: () => Promise<LocalHost>;
}

/** The run service over the given dependencies (the job handler's body; tests use it directly). */
export function createScanRunService(deps: DiscoveryJobDeps): ScanRunService {
  const { scans, credentials } = createScanServices(deps);
  return new ScanRunService({
    db: deps.db as Kysely<ScanTables>,
    dialect: deps.dialect,
    audit: deps.audit,
    scans,
    credentials,
    engine: deps.engine ?? createScanEngine(),
    expandTargets: deps.expandTargets ?? expandTargets,
    reconciler: createIdentityService(deps),
    relationships: deps.inventory.relationships,
    ...(deps.progressIntervalMs !== undefined ? { progressIntervalMs: deps.progressIntervalMs } : {}),
    ...(deps.localHost ? { localHost: deps.localHost } : {}),
  });
}

/**
 * Registers the scan-run job on a worker. When the job gives up (its last attempt threw, or its worker died during
 * it), the run is marked failed with the error in the same transaction that marks the job dead.
 */
export function registerDiscoveryJobs(worker: JobWorker, deps: DiscoveryJobDeps): void {
  const runs = createScanRunService(deps);
  worker.handle<{ runId: string }>(
    SCAN_RUN_QUEUE,
    async (job) => {
      if (typeof job.payload?.runId !== 'string') throw new PermanentJobError('The scan-run job has no run id.');
      await runs.run(job.payload.runId, job.signal);
    },
    {
      async onGiveUp(payload, error, ctx) {
        if (typeof payload?.runId !== 'string') return;
        const message = error instanceof Error ? error.message : String(error);
        await runs.fail(payload.runId, `The scan failed: ${message}`, ctx.trx as Kysely<ScanTables>);
      },
    },
  );
}
