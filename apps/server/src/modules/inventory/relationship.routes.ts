import {
  CreateRelationshipRequest,
  Empty,
  IdParams,
  Page,
  Problem,
  Relationship,
  RelationshipListQuery,
  RelationshipTypeList,
} from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import { createRelationshipService } from './inventory.service';
import type { InventoryDeps } from './inventory-deps';

/** Relationship types, and listing, creating and deleting relationships between CIs. */
export function registerRelationshipRoutes(app: HttpServer, deps: InventoryDeps): void {
  const relationships = createRelationshipService(deps);

  app.get(
    '/api/v1/relationship-types',
    {
      config: { permission: 'inventory:read' },
      schema: { tags: ['inventory'], summary: 'List relationship types and their rules', response: { 200: RelationshipTypeList } },
    },
    async () => ({ items: relationships.types() }),
  );

  app.get(
    '/api/v1/relationships',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List relationships (by CI at either end, by type)',
        querystring: RelationshipListQuery,
        response: { 200: Page(Relationship), 400: Problem },
      },
    },
    async (request) => relationships.list(request.query),
  );

  app.post(
    '/api/v1/relationships',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags: ['inventory'],
        summary: 'Relate two CIs',
        body: CreateRelationshipRequest,
        response: { 201: Relationship, 400: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await relationships.create(request.body, actionContext(request))),
  );

  app.get(
    '/api/v1/relationships/:id',
    {
      config: { permission: 'inventory:read' },
      schema: { tags: ['inventory'], summary: 'Read a relationship', params: IdParams, response: { 200: Relationship, 404: Problem } },
    },
    async (request) => relationships.get(request.params.id),
  );

  app.delete(
    '/api/v1/relationships/:id',
    {
      config: { permission: 'inventory:write' },
      schema: { tags: ['inventory'], summary: 'Delete a relationship', params: IdParams, response: { 204: Empty, 404: Problem } },
    },
    async (request, reply) => {
      await relationships.delete(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
