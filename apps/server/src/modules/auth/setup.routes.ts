import { Me, Problem, SetupRequest, SetupStatus } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import { problems } from '../../platform/http/problem';
import type { AuthRouteDeps } from './auth.routes';
import { clientInfo, setSessionCookie } from './session-cookie';

/**
 * `/api/v1/setup`: exists only until the first admin is created. After that every method on it answers 404 as soon
 * as the request arrives, before its body is read or validated, and because the router matches one route for every
 * spelling of the path (and the UI's fallback answers other spellings as the API), no variant reaches anything else.
 */
export function registerSetupRoutes(app: HttpServer, deps: AuthRouteDeps): void {
  let initialised = false;
  const gone = async () => {
    if (!initialised) initialised = await deps.auth.isInitialised();
    if (initialised) throw problems.notFound('The setup route');
  };

  app.get(
    '/api/v1/setup',
    {
      config: { public: true },
      onRequest: gone,
      schema: { tags: ['auth'], summary: 'Whether first-run setup is still open', response: { 200: SetupStatus, 404: Problem } },
    },
    async () => ({ setupRequired: true as const }),
  );

  app.post(
    '/api/v1/setup',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000 } },
      onRequest: gone,
      schema: {
        tags: ['auth'],
        summary: 'Create the first admin with the console setup token',
        body: SetupRequest,
        response: { 201: Me, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const session = await deps.auth.setup(request.body, actionContext(request), clientInfo(request));
      initialised = true;
      setSessionCookie(request, reply, session.token, deps.sessionMaxAgeMs, deps.publicUrl);
      return reply.code(201).send(session.me);
    },
  );
}
