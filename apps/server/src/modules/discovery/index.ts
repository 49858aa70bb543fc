/*
 * Discovery: turns what agents, network scans and imports observe into inventory CIs, one per real thing.
 * Other modules use it through this file only; it changes the inventory only through `InventoryService`.
 */

import type { Kysely } from 'kysely';
import type { ActionContext } from '../../platform/audit/audit-log';
import type { EstateModule } from '../../platform/module/estate-module';
import { type DiscoveryJobDeps, registerDiscoveryJobs } from './discovery.jobs';
import { registerIdentityRoutes } from './identity/identity.routes';
import { createIdentityService, type Observation, type ReconcileResult } from './identity/identity.service';
import type { IdentityDeps } from './identity/identity-deps';
import type { SnmpCredential } from './scan/engine/scan-types';
import { createObservedServicesReader, type ObservedServicesReader } from './scan/observed-services';
import type { ScanTables } from './scan/scan.repository';
import { registerScanRoutes } from './scan/scan.routes';
import { ScanScheduler } from './scan/scan-run.scheduler';
import { createScanServices } from './scan/scan-services';
import { registerSnmpCredentialRoutes } from './scan/snmp-credential.routes';

export { type DiscoveryJobDeps, registerDiscoveryJobs } from './discovery.jobs';
export type { DiscoveryTables } from './discovery.tables';
export type { HostIdentity } from './identity/identifiers';
export { createIdentityService, type IdentityService, type Observation, type ReconcileResult } from './identity/identity.service';
export type { IdentityDeps } from './identity/identity-deps';
export { createMergeService, type MergeService } from './identity/merge.service';
export type { ObservedInterface } from './identity/observed.repository';
export { createSoftwareService, type SoftwareService } from './identity/software.service';
export type { ObservedService, ObservedServices, ObservedServicesReader } from './scan/observed-services';
export type { DiscoveryScanDeps } from './scan/scan-services';
export { createTerraformService, type TerraformService } from './terraform/terraform.service';

/** What the discovery module is built from. */
export type DiscoveryModuleOptions = DiscoveryJobDeps & IdentityDeps;

/** The discovery module: scans, identity reconciliation, merges, software and Terraform imports. */
export interface DiscoveryModule extends EstateModule {
  /**
   * Reconciles one observation to one CI inside the caller's open transaction (an agent's report), creating or
   * updating it through the inventory. Answers the CI and what changed.
   */
  reconcileWithin(
    // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
    trx: Kysely<any>,
    observation: Observation,
    ctx: ActionContext,
  ): Promise<ReconcileResult>;
  /** What the latest scans and the agent saw of a CI: its open ports with their hints, and whether it answers ping or SNMP. */
  readonly observedServices: ObservedServicesReader;
  /** The SNMP credential `id` with its secrets unsealed (for an SNMP check's run, held only in memory), or undefined. */
  snmpCredential(id: string): Promise<SnmpCredential | undefined>;
}

/** How often the scan scheduler looks for due scans and runs whose job died. */
const SCANS_EVERY_MS = 15_000;

/** Builds the discovery module over the shared store and the inventory's interface. */
export function createDiscoveryModule(options: DiscoveryModuleOptions): DiscoveryModule {
  const { scans, credentials } = createScanServices(options);
  const scanScheduler = new ScanScheduler(options.db as Kysely<ScanTables>, scans);
  return {
    name: 'discovery',
    reconcileWithin: (trx, observation, ctx) => createIdentityService({ ...options, db: trx }).reconcile(observation, ctx),
    observedServices: createObservedServicesReader(options.db as Kysely<ScanTables>),
    snmpCredential: async (id) => (await credentials.unseal([id]))[0],
    routes(http) {
      registerSnmpCredentialRoutes(http, credentials);
      registerScanRoutes(http, scans);
      registerIdentityRoutes(http, options);
    },
    jobs(worker) {
      registerDiscoveryJobs(worker, options);
    },
    schedules(scheduler) {
      scheduler.every('discovery.scans', SCANS_EVERY_MS, (now) => scanScheduler.tick(now));
    },
  };
}
