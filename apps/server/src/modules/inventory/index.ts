/*
 * Inventory: CIs, their types, relationships, history, impact, custom fields, saved views and CMDB imports.
 * Other modules use it through this file only, and change CIs only through `InventoryService`.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { Dialect } from '../../platform/db/database';
import type { HttpServer } from '../../platform/http/http-server';
import type { EstateModule } from '../../platform/module/estate-module';
import { registerBulkRoutes } from './bulk.routes';
import { registerCiRoutes } from './ci.routes';
import { registerCiListRoutes } from './ci-list.routes';
import { registerCiTypeRoutes } from './ci-type.routes';
import { registerCustomFieldRoutes } from './custom-field.routes';
import { registerImpactRoutes } from './impact.routes';
import { registerImportJob } from './import/import.job';
import { registerImportRoutes } from './import/import.routes';
import { ImportService } from './import/import.service';
import { createInventoryService, type InventoryService } from './inventory.service';
import { createInventoryDeps, type InventoryDeps } from './inventory-deps';
import { registerLifecycleRoutes } from './lifecycle.routes';
import { registerRelationshipRoutes } from './relationship.routes';
import { registerSavedViewRoutes } from './saved-view.routes';

export type { CiService, ObservedConflict, ObservedFields } from './ci.service';
export type { HistoryRecord } from './ci-history.repository';
export { type CiTypeId, categoryOf, typesIn } from './ci-type-ids';
export { type AttributeMisfit, splitAttributes } from './ci-types';
export { cutOffBy, type DependencyGraph, impactedServices, type ProviderGroup, readDependencyGraph } from './dependency-graph';
export { ImportService } from './import/import.service';
export { createCiService, createInventoryService, type InventoryService, type InventoryWriter } from './inventory.service';
export type { InventoryTables } from './inventory.tables';
export { createInventoryDeps, type InventoryDeps } from './inventory-deps';
export type { RelationshipService } from './relationship.service';

/** What the inventory module is built from. */
export interface InventoryModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
}

/** The inventory module: its routes, its import jobs, and the interface other modules call. */
export interface InventoryModule extends EstateModule {
  /** What other modules may do to CIs and relationships. */
  readonly service: InventoryService;
}

/** Builds the inventory module over the shared store. */
export function createInventoryModule(options: InventoryModuleOptions): InventoryModule {
  const deps = createInventoryDeps(options);
  const imports = new ImportService(deps);
  return {
    name: 'inventory',
    service: createInventoryService(deps),
    routes(http) {
      registerInventoryRoutes(http, deps, imports);
    },
    // An import whose job dies is failed by the job's give-up handler, which the platform's job sweep also runs.
    jobs(worker) {
      registerImportJob(worker, imports);
    },
  };
}

/** Registers every inventory route: CI types, CIs, history, relationships, impact, custom fields, lifecycle, imports. */
function registerInventoryRoutes(app: HttpServer, deps: InventoryDeps, imports: ImportService): void {
  registerCiTypeRoutes(app, deps);
  registerCustomFieldRoutes(app, deps);
  registerCiListRoutes(app, deps);
  registerBulkRoutes(app, deps);
  registerSavedViewRoutes(app, deps);
  registerCiRoutes(app, deps);
  registerRelationshipRoutes(app, deps);
  registerImpactRoutes(app, deps);
  registerLifecycleRoutes(app, deps);
  registerImportRoutes(app, imports);
}
