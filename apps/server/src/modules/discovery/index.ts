/*
 * Discovery: turns what agents, network scans and imports observe into inventory CIs, one per real thing.
 * Other modules use it through this file only.
 */

export { type DiscoveryJobDeps, registerDiscoveryJobs, startDiscoveryScheduler } from './discovery.jobs';
export { type DiscoveryScanDeps, registerDiscoveryRoutes } from './discovery.routes';
export type { DiscoveryTables } from './discovery.tables';
export type { HostIdentity } from './identity/identifiers';
export { registerIdentityRoutes } from './identity/identity.routes';
export { createIdentityService, type IdentityService, type Observation, type ReconcileResult } from './identity/identity.service';
export { createMergeService, type MergeService } from './identity/merge.service';
export { createSoftwareService, type SoftwareService } from './identity/software.service';
export { createTerraformService, type TerraformService } from './terraform/terraform.service';
