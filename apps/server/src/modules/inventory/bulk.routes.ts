import { BulkDeleteRequest, BulkResult, BulkUpdateRequest, Problem } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import { BulkRepository } from './bulk.repository';
import { BulkService } from './bulk.service';
import { CiListRepository } from './ci-list.repository';
import type { InventoryDeps } from './inventory-deps';

/** POST /api/v1/cis/bulk-update and /api/v1/cis/bulk-delete: confirmed, all-or-nothing changes to many CIs. */
export function registerBulkRoutes(app: HttpServer, deps: InventoryDeps): void {
  const bulk = new BulkService({ ...deps, list: new CiListRepository(deps.db, deps.dialect), bulk: new BulkRepository() });

  app.post(
    '/api/v1/cis/bulk-update',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags: ['inventory'],
        summary: 'Set fields and tags on many CIs (by ids or filter); confirm must equal the number targeted',
        body: BulkUpdateRequest,
        response: { 200: BulkResult, 400: Problem, 409: Problem },
      },
    },
    async (request) => bulk.update(request.body, actionContext(request)),
  );

  app.post(
    '/api/v1/cis/bulk-delete',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags: ['inventory'],
        summary: 'Delete many CIs (by ids or filter); confirm must equal the number targeted',
        body: BulkDeleteRequest,
        response: { 200: BulkResult, 400: Problem, 409: Problem },
      },
    },
    async (request) => bulk.delete(request.body, actionContext(request)),
  );
}
