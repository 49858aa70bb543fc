import type { HttpServer } from '../../platform/http/http-server';
import type { JobWorker } from '../../platform/jobs';
import { registerBulkRoutes } from './bulk.routes';
import { registerCiRoutes } from './ci.routes';
import { registerCiListRoutes } from './ci-list.routes';
import { registerCiTypeRoutes } from './ci-type.routes';
import { registerCustomFieldRoutes } from './custom-field.routes';
import { registerImpactRoutes } from './impact.routes';
import { registerImportJob, sweepAbandonedImports } from './import/import.job';
import { registerImportRoutes } from './import/import.routes';
import { ImportService } from './import/import.service';
import type { InventoryDeps } from './inventory-deps';
import { registerLifecycleRoutes } from './lifecycle.routes';
import { registerRelationshipRoutes } from './relationship.routes';
import { registerSavedViewRoutes } from './saved-view.routes';

export { createCiService } from './ci.routes';
export type { CiService, ObservedConflict, ObservedFields } from './ci.service';
export { type CiTypeId, typesIn } from './ci-type-ids';
export { ImportService } from './import/import.service';
export type { InventoryTables } from './inventory.tables';
export { createInventoryDeps, type InventoryDeps } from './inventory-deps';
export { createRelationshipService } from './relationship.routes';
export type { RelationshipService } from './relationship.service';

/** Registers every inventory route: CI types, CIs, history, relationships, impact, custom fields, lifecycle, imports. */
export function registerInventoryRoutes(app: HttpServer, deps: InventoryDeps): void {
  registerCiTypeRoutes(app, deps);
  registerCustomFieldRoutes(app, deps);
  registerCiListRoutes(app, deps);
  registerBulkRoutes(app, deps);
  registerSavedViewRoutes(app, deps);
  registerCiRoutes(app, deps);
  registerRelationshipRoutes(app, deps);
  registerImpactRoutes(app, deps);
  registerLifecycleRoutes(app, deps);
  registerImportRoutes(app, new ImportService(deps));
}

/**
 * The inventory module's periodic housekeeping (processes with the scheduler role): fails imports whose job can no
 * longer run them. Idempotent; returns how many imports it failed.
 */
export function sweepInventory(deps: InventoryDeps): Promise<number> {
  return sweepAbandonedImports(new ImportService(deps));
}

/** Registers the inventory module's job handlers (CMDB imports) on a worker. */
export function registerInventoryJobs(worker: JobWorker, deps: InventoryDeps): void {
  registerImportJob(worker, new ImportService(deps));
}
