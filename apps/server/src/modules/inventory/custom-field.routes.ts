import { CreateCustomFieldRequest, CustomField, CustomFieldListQuery, Empty, IdParams, Problem } from '@estate/contract';
import Type from 'typebox';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import { CustomFieldService } from './custom-field.service';
import type { InventoryDeps } from './inventory-deps';

/** Custom field definitions: readable by inventory readers, defined and removed by inventory admins. */
export function registerCustomFieldRoutes(app: HttpServer, deps: InventoryDeps): void {
  const service = new CustomFieldService(deps.db, deps.dialect, deps.audit);

  app.get(
    '/api/v1/custom-fields',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List custom field definitions',
        querystring: CustomFieldListQuery,
        response: { 200: Type.Array(CustomField) },
      },
    },
    async (request) => service.list(request.query.ciType),
  );

  app.post(
    '/api/v1/custom-fields',
    {
      config: { permission: 'inventory:admin' },
      schema: {
        tags: ['inventory'],
        summary: 'Define a custom field for a CI type',
        body: CreateCustomFieldRequest,
        response: { 201: CustomField, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.body, actionContext(request))),
  );

  app.delete(
    '/api/v1/custom-fields/:id',
    {
      config: { permission: 'inventory:admin' },
      schema: {
        tags: ['inventory'],
        summary: 'Remove a custom field definition',
        params: IdParams,
        response: { 204: Empty, 404: Problem },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
