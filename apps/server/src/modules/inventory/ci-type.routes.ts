import { CiTypeInfo, CiTypeParams, Problem } from '@estate/contract';
import Type from 'typebox';
import type { HttpServer } from '../../platform/http/http-server';
import { problems } from '../../platform/http/problem';
import { type CiTypeDefinition, ciType, listCiTypes } from './ci-types';
import { CustomFieldRepository } from './custom-field.repository';
import type { InventoryDeps } from './inventory-deps';

/** The built-in CI types with their attribute schemas and the custom fields admins defined for them. */
export function registerCiTypeRoutes(app: HttpServer, deps: InventoryDeps): void {
  const fields = new CustomFieldRepository(deps.db, deps.dialect);
  const present = (def: CiTypeDefinition, customFields: unknown[]): CiTypeInfo => ({
    id: def.id,
    label: def.label,
    category: def.category,
    description: def.description,
    attributes: def.schema,
    customFields,
  });

  app.get(
    '/api/v1/ci-types',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List CI types with their attribute schemas and custom fields',
        response: { 200: Type.Array(CiTypeInfo) },
      },
    },
    async () => {
      const all = await fields.list();
      return listCiTypes().map((def) =>
        present(
          def,
          all.filter((f) => f.ciType === def.id),
        ),
      );
    },
  );

  app.get(
    '/api/v1/ci-types/:id',
    {
      config: { permission: 'inventory:read' },
      schema: { tags: ['inventory'], summary: 'Read one CI type', params: CiTypeParams, response: { 200: CiTypeInfo, 404: Problem } },
    },
    async (request) => {
      const def = ciType(request.params.id);
      if (!def) throw problems.notFound('The CI type');
      return present(def, await fields.list(def.id));
    },
  );
}
