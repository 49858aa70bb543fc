import { ProblemType } from '@estate/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log';
import { safeEqual } from '../crypto/secret-box';
import type { FailedAuthThrottle } from './failed-auth-throttle';
import { type Authenticator, actionContext } from './principal';
import { HttpProblem, problems } from './problem';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const SESSION_COOKIE = 'estate_session';

/** Paths that are public by nature: the web UI's static files and the API docs' assets. Never under /api/v1. */
function isStaticPublic(url: string): boolean {
  if (url.startsWith('/api/docs')) return true;
  return !url.startsWith('/api/') && url !== '/metrics';
}

export interface AccessHookOptions {
  authenticator: Authenticator;
  audit: AuditLog;
  /** Origins allowed to make cookie requests besides the request's own host. */
  allowedOrigins: string[];
  /** Counts failed authentications per address (see {@link FailedAuthThrottle}). */
  failedAuth: FailedAuthThrottle;
}

/**
 * Installs Estate's single deny-by-default access layer:
 * - at startup, every route must declare `config.public` or `config.permission` (static files and docs excepted);
 * - each request is authenticated once (cookie or bearer), then the matched route's own policy decides: because the
 *   policy belongs to the route the router matched, no spelling of a path (`//`, `%2e`, case) can reach a route
 *   without its check;
 * - cookie requests with unsafe methods must carry the session's CSRF token, and any unsafe request with a foreign
 *   Origin is refused (any request at all on a `sameOrigin` route, such as an event stream);
 * - refusals for lack of permission are audited;
 * - an address that failed to authenticate too often in the last minute gets 429 for requests that do not
 *   authenticate (see {@link FailedAuthThrottle}); the API rate limit, per user, token or agent, applies later;
 * - `agent` routes ignore cookies and bearer tokens: their own hooks verify the agent's signature over the raw body,
 *   and a request that reaches the handler without a verified agent is refused.
 */
export function installAccessHook(app: FastifyInstance, options: AccessHookOptions): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { public?: boolean; permission?: string; agent?: boolean };
    if (config.agent && (config.public || config.permission)) {
      throw new Error(`Route ${route.method} ${route.url} is an agent route; it must not also be public or need a permission.`);
    }
    if (config.agent) {
      // Deny by default for agent routes too: whatever the route's own hooks did, no verified agent means no handler.
      const guard = async (request: FastifyRequest) => {
        if (!request.agentId) throw problems.unauthenticated();
      };
      const own = route.preHandler;
      route.preHandler = own === undefined ? [guard] : [...(Array.isArray(own) ? own : [own]), guard];
      return;
    }
    if (config.public || config.permission) return;
    if (isStaticPublic(route.url)) {
      route.config = { ...(route.config ?? {}), public: true } as typeof route.config;
      return;
    }
    throw new Error(`Route ${route.method} ${route.url} declares no access policy (config.public or config.permission).`);
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('agentId', null);
  const { failedAuth } = options;
  /** 401, counted against the address; or 429 when the address has failed too often already. */
  const unauthenticated = (request: FastifyRequest): HttpProblem => {
    const wait = failedAuth.retryAfterSeconds(request.ip);
    if (wait > 0) {
      return new HttpProblem(
        429,
        ProblemType.tooManyRequests,
        'Too many failed authentications',
        `This address failed to authenticate too often; try again in ${wait} s.`,
        undefined,
        { 'retry-after': String(wait) },
      );
    }
    failedAuth.failed(request.ip);
    return problems.unauthenticated();
  };

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config ?? {};
    checkOrigin(request, options.allowedOrigins, config.sameOrigin === true);
    // No route matched: the not-found handler answers 404 and runs nothing, so there is nothing to guard or audit.
    if (request.is404) return;
    // Agent routes take no cookie and no bearer token: only a signature, verified by the route once the body is read.
    if (config.agent) return;
    const bearer = parseBearer(request.headers.authorization);
    const sessionToken = request.cookies?.[SESSION_COOKIE];
    if (bearer !== undefined || sessionToken) {
      request.principal = await options.authenticator.authenticate({ sessionToken, bearerToken: bearer, ip: request.ip });
      if (bearer !== undefined && !request.principal && !config.public) throw unauthenticated(request);
    }
    if (config.public) return;
    const principal = request.principal;
    if (!principal) throw unauthenticated(request);
    if (principal.via === 'session' && UNSAFE.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || principal.csrfToken === null || !safeEqual(sent, principal.csrfToken)) {
        throw new HttpProblem(
          403,
          ProblemType.csrf,
          'CSRF token missing or wrong',
          'Send the csrfToken from GET /api/v1/me as X-CSRF-Token.',
        );
      }
    }
    if (principal.mfaEnrolmentRequired && !config.allowDuringMfaEnrolment) {
      throw new HttpProblem(
        403,
        ProblemType.mfaEnrolmentRequired,
        'Two-factor enrolment required',
        'Administrators must enrol TOTP before continuing.',
      );
    }
    if (!config.permission || !principal.permissions.has(config.permission)) {
      await options.audit.record(actionContext(request), {
        action: 'authz.denied',
        outcome: 'denied',
        targetType: 'route',
        targetId: `${request.method} ${request.routeOptions.url}`,
        after: { permission: config.permission ?? null },
      });
      throw problems.forbidden();
    }
  });
}

function parseBearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

/** Refuses a foreign Origin on unsafe methods, and on every method of a `sameOrigin` route (event streams). */
function checkOrigin(request: FastifyRequest, allowed: string[], always: boolean): void {
  const origin = request.headers.origin;
  if (!origin || (!always && !UNSAFE.has(request.method))) return;
  const host = request.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw problems.forbidden('The Origin header is not a valid origin.');
  }
  if (originHost === host || allowed.includes(origin)) return;
  throw problems.forbidden(`Requests from origin ${origin} are not allowed.`);
}
