import { IdParams, ImpactQuery, ImpactResult, Problem } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { ImpactService } from './impact.service';
import type { InventoryDeps } from './inventory-deps';

/** Impact analysis of one CI. */
export function registerImpactRoutes(app: HttpServer, deps: InventoryDeps): void {
  const impact = new ImpactService(deps.db);

  app.get(
    '/api/v1/cis/:id/impact',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'What a CI failing impacts (downstream), what it needs (upstream), and the business services it affects',
        params: IdParams,
        querystring: ImpactQuery,
        response: { 200: ImpactResult, 400: Problem, 404: Problem },
      },
    },
    async (request) => impact.impact(request.params.id, request.query),
  );
}
