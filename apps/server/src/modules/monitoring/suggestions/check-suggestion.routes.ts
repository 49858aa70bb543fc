import { CheckSuggestionList, IdParams, Problem } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import type { CheckSuggestionService } from './check-suggestion.service';

/** `GET /api/v1/cis/{id}/check-suggestions`: checks discovery's findings suggest for a CI, ready to create. */
export function registerCheckSuggestionRoutes(app: HttpServer, suggestions: CheckSuggestionService): void {
  app.get(
    '/api/v1/cis/:id/check-suggestions',
    {
      config: { permission: 'monitoring:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Checks suggested by what discovery saw of a CI (open ports, ping, SNMP), less those already covered',
        params: IdParams,
        response: { 200: CheckSuggestionList, 404: Problem },
      },
    },
    async (request) => ({ items: await suggestions.forCi(request.params.id) }),
  );
}
