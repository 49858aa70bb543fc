/*
 * Discovery: turns what agents, network scans and imports observe into inventory CIs, one per real thing.
 * Other modules use it through this file only.
 */
export type { DiscoveryTables } from './discovery.tables';
export type { HostIdentity } from './identifiers';
export { createIdentityService, type IdentityService, type Observation, type ReconcileResult } from './identity.service';
