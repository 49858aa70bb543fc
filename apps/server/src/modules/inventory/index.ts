import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { Dialect } from '../../platform/db/database';
import type { HttpServer } from '../../platform/http/http-server';
import { registerBulkRoutes } from './bulk.routes';
import { registerCiRoutes } from './ci.routes';
import { CiHistoryRepository } from './ci-history.repository';
import { registerCiListRoutes } from './ci-list.routes';
import { registerCiTypeRoutes } from './ci-type.routes';
import { registerCustomFieldRoutes } from './custom-field.routes';
import { registerImpactRoutes } from './impact.routes';
import type { InventoryTables } from './inventory.tables';
import { registerLifecycleRoutes } from './lifecycle.routes';
import { registerRelationshipRoutes } from './relationship.routes';
import { registerSavedViewRoutes } from './saved-view.routes';

/** What every part of the inventory module is built from. */
export interface InventoryDeps {
  db: Kysely<InventoryTables>;
  dialect: Dialect;
  audit: AuditLog;
  history: CiHistoryRepository;
}

/** Builds the inventory module's shared dependencies over the primary store. */
export function createInventoryDeps(options: {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
}): InventoryDeps {
  const db = options.db as Kysely<InventoryTables>;
  return { db, dialect: options.dialect, audit: options.audit, history: new CiHistoryRepository(db, options.dialect) };
}

/** Registers every inventory route: CI types, CIs, history, relationships, impact, custom fields, lifecycle. */
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
}
