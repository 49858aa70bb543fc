import { Problem, PushKindParams, PushParams, PushQuery } from '@estate/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpServer } from '../../platform/http/http-server';
import { problems } from '../../platform/http/problem';
import type { PingKind, PushService } from './push.service';

/** A ping's body (a job's output) is read up to this many bytes. */
const PUSH_BODY_LIMIT = 100_000;
const tags = ['monitoring'];

/**
 * The ping URLs of push checks, as healthchecks.io shapes them: GET, HEAD or POST `/api/v1/push/{token}` (success),
 * `…/start`, `…/fail` and `…/{exit code}`; `?rid=` pairs a start with its end; a POSTed body (any type) is kept as
 * the result's output. Public — the token is the credential — and held to 60 pings a minute per token.
 */
export function registerPushRoutes(app: HttpServer, push: PushService): void {
  app.register(async (scope: HttpServer) => {
    const fastify = scope as unknown as FastifyInstance;
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PUSH_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const config = {
      public: true,
      rateLimit: {
        max: 60,
        timeWindow: 60_000,
        keyGenerator: (request: { params: unknown }) => `push:${(request.params as { token: string }).token}`,
      },
    };
    const answer = async (reply: FastifyReply, token: string, kind: PingKind, rid: string | undefined, body: unknown) => {
      await push.ping(token, kind, rid, Buffer.isBuffer(body) ? body.toString('utf8') : '');
      return reply.code(200).type('text/plain; charset=utf-8').send('OK');
    };
    for (const method of ['GET', 'POST'] as const) {
      scope.route({
        method,
        url: '/api/v1/push/:token',
        config,
        bodyLimit: PUSH_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Ping a push check: the job succeeded',
          params: PushParams,
          querystring: PushQuery,
          response: { 400: Problem, 404: Problem },
        },
        handler: async (request, reply) => answer(reply, request.params.token, 'success', request.query.rid, request.body),
      });
      scope.route({
        method,
        url: '/api/v1/push/:token/:kind',
        config,
        bodyLimit: PUSH_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Ping a push check: start, fail, or an exit code (0 success)',
          params: PushKindParams,
          querystring: PushQuery,
          response: { 400: Problem, 404: Problem },
        },
        handler: async (request, reply) => {
          const { token, kind } = request.params;
          const exitCode = Number(kind);
          const ping: PingKind = kind === 'start' || kind === 'fail' ? kind : { exitCode };
          if (typeof ping === 'object' && exitCode > 255) {
            throw problems.validation('An exit code is 0 to 255.', [
              { path: 'kind', message: 'must be start, fail or an exit code 0–255' },
            ]);
          }
          return answer(reply, token, ping, request.query.rid, request.body);
        },
      });
    }
  });
}
