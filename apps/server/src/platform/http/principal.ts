import type { Permission, Role, User } from '@estate/contract';
import type { ActionContext } from '../audit/audit-log';

/** The authenticated caller of a request, resolved once by the auth hook. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
  /** Effective permissions: the role's, narrowed by the token's scopes for token requests. */
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
  /** Present for session requests; unsafe methods must echo it in X-CSRF-Token. */
  csrfToken: string | null;
  /** An admin who must enrol TOTP before anything else (policy `ESTATE_REQUIRE_ADMIN_MFA`). */
  mfaEnrolmentRequired: boolean;
  /** The user as read while authenticating, so answering "who am I" needs no second query. */
  user?: User;
}

/** Resolves the caller of a request from its cookie or bearer token; null when there is none or it is invalid. */
export interface Authenticator {
  authenticate(input: { sessionToken: string | undefined; bearerToken: string | undefined; ip: string }): Promise<Principal | null>;
}

/** Per-route access policy, declared in every route's `config`. A route with neither field fails at startup. */
export interface RouteAccess {
  /** Reachable without authentication (setup, login, health, docs). */
  public?: boolean;
  /** The permission the caller must hold. */
  permission?: Permission;
  /**
   * Refuses a foreign Origin even on GET: a long-lived stream (Server-Sent Events) that another site's page could open
   * with the user's cookie, as a WebSocket upgrade could.
   */
  sameOrigin?: boolean;
  /** Still reachable by an admin who must enrol MFA first (me, logout, MFA enrolment). */
  allowDuringMfaEnrolment?: boolean;
  /**
   * Called by host agents with signed requests, never with a session or token: the route's own hooks verify the
   * signature and set `request.agentId`; the access hook refuses the request (401) when nobody did.
   */
  agent?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig extends RouteAccess {}
  interface FastifyRequest {
    principal: Principal | null;
    /** The verified agent of a signed request on an `agent` route; null everywhere else. */
    agentId: string | null;
  }
}

/** The audit context of a request: its principal (or anonymous), request id and source IP. */
export function actionContext(request: { principal: Principal | null; id: string; ip: string }): ActionContext {
  const p = request.principal;
  return {
    actor: p
      ? { type: p.via === 'token' ? 'token' : 'user', id: p.userId, label: p.via === 'token' ? `${p.email} (token ${p.tokenId})` : p.email }
      : { type: 'anonymous', id: null, label: null },
    requestId: request.id,
    sourceIp: request.ip,
  };
}
