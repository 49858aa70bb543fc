import { ActionLinkParams, ActionLinkView, Problem } from '@estate/contract';
import Type from 'typebox';
import type { HttpServer } from '../../../platform/http/http-server';
import type { ActionLinksService } from './action-links.service';

const tags = ['alerting'];

/** What a POST may say: the action the person saw on the page (a link does only its own). */
const ActOnLinkRequest = Type.Object(
  { action: Type.Optional(Type.Union([Type.Literal('acknowledge'), Type.Literal('resolve')])) },
  { additionalProperties: false },
);

/**
 * Signed action links from messages: `GET /api/v1/alerting/actions/{token}` says what the link will do and changes
 * nothing (mail scanners and chat unfurlers fetch links), `POST` does it, once. Public — the token is the
 * credential, for one action on one incident until it expires — and held to 30 requests a minute per address.
 */
export function registerActionLinkRoutes(app: HttpServer, links: ActionLinksService): void {
  const config = {
    public: true,
    rateLimit: {
      max: 30,
      timeWindow: 60_000,
      keyGenerator: (request: { ip: string }) => `action-link:${request.ip}`,
    },
  };
  app.get(
    '/api/v1/alerting/actions/:token',
    {
      config,
      schema: {
        tags,
        summary: 'What a signed acknowledge/resolve link will do (changes nothing)',
        params: ActionLinkParams,
        response: { 200: ActionLinkView, 404: Problem },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return links.describe(request.params.token);
    },
  );
  app.post(
    '/api/v1/alerting/actions/:token',
    {
      config,
      schema: {
        tags,
        summary: 'Use a signed acknowledge/resolve link (once)',
        params: ActionLinkParams,
        body: Type.Optional(ActOnLinkRequest),
        response: { 200: ActionLinkView, 403: Problem, 404: Problem, 409: Problem, 410: Problem },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return links.act(request.params.token, request.body?.action, { requestId: request.id, sourceIp: request.ip });
    },
  );
}
