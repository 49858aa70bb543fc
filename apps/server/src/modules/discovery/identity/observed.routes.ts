import { CiInterface, CiInterfaceQuery, IdParams, ObservedFact, ObservedFactQuery, Page, Problem } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import type { ObservedService } from './observed.service';

/** What observers saw of a CI beyond its fields: its network interfaces and its observed facts. */
export function registerObservedRoutes(app: HttpServer, observed: ObservedService): void {
  const tags = ['inventory'];

  app.get(
    '/api/v1/cis/:id/interfaces',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: "A CI's network interfaces as each source (agent, SNMP scan) last saw them",
        params: IdParams,
        querystring: CiInterfaceQuery,
        response: { 200: Page(CiInterface), 400: Problem, 404: Problem },
      },
    },
    async (request) => observed.interfaces(request.params.id, request.query),
  );

  app.get(
    '/api/v1/cis/:id/observed-facts',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Values observers saw of a CI that its type has no field for, or that a better observer set',
        params: IdParams,
        querystring: ObservedFactQuery,
        response: { 200: Page(ObservedFact), 400: Problem, 404: Problem },
      },
    },
    async (request) => observed.facts(request.params.id, request.query),
  );
}
