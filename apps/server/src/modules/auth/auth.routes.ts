import { Empty, IdParams, LoginRequest, Me, Page, PageQuery, Problem, RevokeSessionRequest, Session, SessionState } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AuthService } from './auth.service';
import { DEVICE_COOKIE } from './device-trust';
import type { MfaService } from './mfa.service';
import { clearSessionCookie, clientInfo, setDeviceCookie, setSessionCookie } from './session-cookie';
import type { SessionOnlyHook } from './session-only';
import type { TokenService } from './token.service';
import type { UserService } from './user.service';

/** What the auth routes need. */
export interface AuthRouteDeps {
  auth: AuthService;
  mfa: MfaService;
  users: UserService;
  tokens: TokenService;
  sessionMaxAgeMs: number;
  publicUrl: string | undefined;
  /** Refuses API tokens on the routes that need re-authentication (session-only.ts). */
  sessionOnly: SessionOnlyHook;
}

const self = { permission: 'self', allowDuringMfaEnrolment: true } as const;
const selfSessionOnly = { ...self, sessionOnly: true } as const;

/** Sign-in, sign-out, and who am I. */
export function registerSessionRoutes(app: HttpServer, deps: AuthRouteDeps): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: {
        public: true,
        // A browser with a device cookie gets its own budget, so requests from others behind its address cannot use it up.
        rateLimit: {
          max: 30,
          timeWindow: 60_000,
          keyGenerator: (request) => {
            const device = deps.auth.trustedDevice(request.cookies?.[DEVICE_COOKIE]);
            return device ? `device:${device}` : request.ip;
          },
        },
      },
      schema: { tags: ['auth'], summary: 'Sign in', body: LoginRequest, response: { 200: Me, 401: Problem, 429: Problem } },
    },
    async (request, reply) => {
      const signedIn = await deps.auth.login(request.body, actionContext(request), clientInfo(request));
      setSessionCookie(request, reply, signedIn.token, deps.sessionMaxAgeMs, deps.publicUrl);
      setDeviceCookie(request, reply, signedIn.deviceCookie, deps.publicUrl);
      return signedIn.me;
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: self, schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 204: Empty } } },
    async (request, reply) => {
      if (request.principal) await deps.auth.logout(request.principal, actionContext(request));
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  // Once an admin exists it always will: stop asking the store.
  let initialised = false;
  app.get(
    '/api/v1/auth/session',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, if anyone, and whether setup is open (always 200: the browser\'s "am I signed in?")',
        response: { 200: SessionState },
      },
    },
    async (request) => {
      if (!initialised) initialised = await deps.auth.isInitialised();
      return { me: request.principal ? await deps.auth.me(request.principal) : null, setupRequired: !initialised };
    },
  );

  app.get(
    '/api/v1/me',
    { config: self, schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: Me } } },
    async (request) => deps.auth.me(request.principal!),
  );

  app.get(
    '/api/v1/me/sessions',
    {
      config: selfSessionOnly,
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'My sessions (browser sessions only)',
        querystring: PageQuery,
        response: { 200: Page(Session), 403: Problem },
      },
    },
    async (request) => deps.auth.listSessions(request.principal!, request.query.limit ?? 50, request.query.cursor),
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      config: selfSessionOnly,
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'Revoke one of my sessions (a browser session and the current password)',
        params: IdParams,
        body: RevokeSessionRequest,
        response: { 204: Empty, 403: Problem, 404: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      await deps.auth.revokeSession(request.principal!, request.params.id, request.body.password, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
