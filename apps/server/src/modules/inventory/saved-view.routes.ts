import { CreateSavedViewRequest, Empty, IdParams, Page, Problem, SavedView, SavedViewListQuery } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import type { Principal } from '../../platform/http/principal';
import { actionContext } from '../../platform/http/principal';
import type { InventoryDeps } from './inventory-deps';
import { SavedViewRepository } from './saved-view.repository';
import { SavedViewService } from './saved-view.service';

// The access hook has authenticated every request that reaches a route with a permission.
const userOf = (request: { principal: Principal | null }) => (request.principal as Principal).userId;

/** GET/POST /api/v1/saved-views and DELETE /api/v1/saved-views/:id: the caller's own views only. */
export function registerSavedViewRoutes(app: HttpServer, deps: InventoryDeps): void {
  const savedViews = new SavedViewService(deps.db, new SavedViewRepository(deps.db, deps.dialect), deps.audit);

  app.get(
    '/api/v1/saved-views',
    {
      config: { permission: 'inventory:read' },
      schema: { tags: ['inventory'], summary: 'List my saved views', querystring: SavedViewListQuery, response: { 200: Page(SavedView) } },
    },
    async (request) => savedViews.list(userOf(request), request.query),
  );

  app.post(
    '/api/v1/saved-views',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Save a view (a named list query)',
        body: CreateSavedViewRequest,
        response: { 201: SavedView, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const view = await savedViews.create(userOf(request), request.body, actionContext(request));
      return reply.code(201).send(view);
    },
  );

  app.delete(
    '/api/v1/saved-views/:id',
    {
      config: { permission: 'inventory:read' },
      schema: { tags: ['inventory'], summary: 'Delete one of my saved views', params: IdParams, response: { 204: Empty, 404: Problem } },
    },
    async (request, reply) => {
      await savedViews.delete(userOf(request), request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
