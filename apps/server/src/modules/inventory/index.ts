import type { HttpServer } from '../../platform/http/http-server';
import { registerBulkRoutes } from './bulk.routes';
import { registerCiRoutes } from './ci.routes';
import { registerCiListRoutes } from './ci-list.routes';
import { registerCiTypeRoutes } from './ci-type.routes';
import { registerCustomFieldRoutes } from './custom-field.routes';
import { registerImpactRoutes } from './impact.routes';
import type { InventoryDeps } from './inventory-deps';
import { registerLifecycleRoutes } from './lifecycle.routes';
import { registerRelationshipRoutes } from './relationship.routes';
import { registerSavedViewRoutes } from './saved-view.routes';

export { createInventoryDeps, type InventoryDeps } from './inventory-deps';

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
