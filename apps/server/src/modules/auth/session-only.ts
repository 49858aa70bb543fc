import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit-log';
import { actionContext } from '../../platform/http/principal';
import { sessionRequired } from './reauthentication';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only a browser session may call the route, never an API token: it also runs the {@link sessionOnly} hook. */
    sessionOnly?: boolean;
  }
}

/** A route hook that lets only browser sessions through. */
export type SessionOnlyHook = (request: FastifyRequest) => Promise<void>;

/**
 * The hook of the routes that need re-authentication (the password, the second factor, sessions), which also declare
 * `config.sessionOnly` so the access walk (test/route-access.test.ts) knows them: it runs after the
 * access hook has authenticated the caller and checked the route's permission, and refuses any caller without a
 * browser session (an API token) with 403 `session-required` before the body is read, audited as `authz.denied`
 * like the access hook's own refusals.
 */
export function sessionOnly(audit: AuditLog): SessionOnlyHook {
  return async (request) => {
    if (request.principal?.via === 'session') return;
    await audit.record(actionContext(request), {
      action: 'authz.denied',
      outcome: 'denied',
      targetType: 'route',
      targetId: `${request.method} ${request.routeOptions.url}`,
      after: { permission: request.routeOptions.config?.permission ?? null, reason: 'session-required' },
    });
    throw sessionRequired();
  };
}
