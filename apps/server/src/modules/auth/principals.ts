import type { Me, Role, User } from '@estate/contract';
import type { Principal } from '../../platform/http/principal';
import { effectivePermissions } from './auth.policy';
import type { UserRow } from './user.repository';

/*
 * Who a signed-in caller is, as the access hook and the `Me` document see it: pure functions over user rows, shared
 * by sign-in (which issues a session) and credential resolution (which finds one again on each request).
 */

/** Session lifetimes and the admin-MFA rule, from configuration. */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  requireAdminMfa: boolean;
}

/** Whether the admin-MFA policy applies to a user with `role`. */
export function mfaRequired(policy: SessionPolicy, role: string): boolean {
  return policy.requireAdminMfa && role === 'admin';
}

/**
 * Whether the admin-MFA policy holds a user with `role` to enrolling TOTP before anything else: their sessions and
 * their API tokens alike are refused everywhere but the few routes that lead to enrolment.
 */
export function mustEnrolMfa(policy: SessionPolicy, role: string, mfaEnabledAt: number | null): boolean {
  return mfaRequired(policy, role) && mfaEnabledAt === null;
}

/** The principal of a session just issued to `user`, whose CSRF token is `csrfToken`. */
export function sessionPrincipal(policy: SessionPolicy, user: UserRow, sessionId: string, csrfToken: string): Principal {
  return {
    userId: user.id,
    email: user.email,
    role: user.role as Role,
    permissions: effectivePermissions(user.role as Role),
    via: 'session',
    sessionId,
    tokenId: null,
    csrfToken,
    mfaEnrolmentRequired: mustEnrolMfa(policy, user.role, user.mfa_enabled_at),
  };
}

/** The `Me` document of `principal`, who is `user`, under `policy`; permissions sorted so the document is stable. */
export function meOf(user: User, principal: Principal, policy: SessionPolicy): Me {
  return {
    user,
    permissions: [...principal.permissions].sort(),
    via: principal.via,
    csrfToken: principal.csrfToken,
    mfaRequired: mfaRequired(policy, user.role),
    mfaEnrolmentRequired: principal.mfaEnrolmentRequired,
  };
}

/** The user columns joined onto a session or token row, as the API presents them. */
export function userFromJoin(row: {
  user_id: string;
  email: string;
  name: string;
  role: string;
  disabled_at: number | null;
  mfa_enabled_at: number | null;
  user_created_at: number;
  user_updated_at: number;
  last_login_at: number | null;
}): User {
  return {
    id: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    mfaEnabled: row.mfa_enabled_at !== null,
    disabled: row.disabled_at !== null,
    createdAt: Number(row.user_created_at),
    updatedAt: Number(row.user_updated_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}
