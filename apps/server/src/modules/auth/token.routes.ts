import { ApiToken, CreatedToken, CreateTokenRequest, Empty, IdParams, Page, Problem, TokenListQuery } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AuthRouteDeps } from './auth.routes';

/** API tokens: one's own for everyone; everyone's with `tokens:read-all` / `tokens:write-all`. */
export function registerTokenRoutes(app: HttpServer, deps: AuthRouteDeps): void {
  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens',
        querystring: TokenListQuery,
        response: { 200: Page(ApiToken), 403: Problem },
      },
    },
    async (request) => deps.tokens.list(request.principal!, request.query),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token (the secret is shown once)',
        body: CreateTokenRequest,
        response: { 201: CreatedToken, 400: Problem },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.tokens.create(request.principal!.userId, request.body, actionContext(request), request.principal!)),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'self' },
      schema: { tags: ['tokens'], summary: 'Revoke an API token', params: IdParams, response: { 204: Empty, 404: Problem } },
    },
    async (request, reply) => {
      await deps.tokens.revoke(request.principal!, request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
