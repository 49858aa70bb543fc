import type { Permission, Role } from '@estate/contract';
import type { Kysely } from 'kysely';
import { sha256Hex } from '../../platform/crypto/secret-box';
import { readJson } from '../../platform/db/database';
import type { Authenticator, Principal } from '../../platform/http/principal';
import { effectivePermissions } from './auth.policy';
import type { AuthTables } from './auth.tables';
import type { CredentialCaches } from './credential-cache';
import { csrfTokenFor } from './csrf-token';
import { mustEnrolMfa, type SessionPolicy, userFromJoin } from './principals';
import { SessionRepository } from './session.repository';
import { TokenRepository } from './token.repository';

/** How stale a token's last-use time, or at most a session's, may get before a request writes it again. */
const TOUCH_EVERY_MS = 60_000;

/**
 * How stale a session's last-seen time may get before a request writes it again: a quarter of the idle timeout, so
 * a session in use never reaches its idle limit between two writes, and never more than once a minute.
 */
export function sessionTouchInterval(idleMs: number): number {
  return Math.min(TOUCH_EVERY_MS, Math.floor(idleMs / 4));
}

/**
 * Resolves a request's credentials to a principal for the access hook: a live session cookie, or a live, unrevoked,
 * unexpired API token of an enabled user. Both are looked up by the SHA-256 of their value (through the credential
 * caches when they are on). A token's last use is written at most once a minute, a session's often enough for its
 * idle timeout (see {@link sessionTouchInterval}).
 */
export class CredentialResolver implements Authenticator {
  private readonly sessions: SessionRepository;
  private readonly tokens: TokenRepository;

  constructor(
    db: Kysely<AuthTables>,
    private readonly policy: SessionPolicy,
    private readonly credentials: CredentialCaches,
    private readonly clock: () => number = Date.now,
  ) {
    this.sessions = new SessionRepository(db);
    this.tokens = new TokenRepository(db);
  }

  /** The caller a bearer token (when sent) or else a session cookie names, or null when neither is live. */
  async authenticate(input: { sessionToken: string | undefined; bearerToken: string | undefined; ip: string }): Promise<Principal | null> {
    const now = this.clock();
    if (input.bearerToken !== undefined) return this.byToken(input.bearerToken, now);
    if (!input.sessionToken) return null;
    return this.bySession(input.sessionToken, now);
  }

  private async byToken(bearerToken: string, now: number): Promise<Principal | null> {
    if (!bearerToken.startsWith('estate_')) return null;
    const hash = sha256Hex(bearerToken);
    const row = await this.credentials.tokens.get(hash, () => this.tokens.byHash(hash));
    if (!row || row.revoked_at !== null || Number(row.expires_at) <= now || row.disabled_at !== null) return null;
    if (row.last_used_at === null || Number(row.last_used_at) < now - TOUCH_EVERY_MS) {
      // Noted on the (possibly cached) row too, so requests before the change notification do not touch again.
      row.last_used_at = now;
      await this.tokens.touch(row.token_id, now);
    }
    return {
      userId: row.user_id,
      email: row.email,
      role: row.role as Role,
      permissions: effectivePermissions(row.role as Role, readJson<Permission[]>(row.scopes)),
      via: 'token',
      sessionId: null,
      tokenId: row.token_id,
      csrfToken: null,
      mfaEnrolmentRequired: mustEnrolMfa(this.policy, row.role, row.mfa_enabled_at),
      user: userFromJoin(row),
    };
  }

  private async bySession(sessionToken: string, now: number): Promise<Principal | null> {
    const hash = sha256Hex(sessionToken);
    const row = await this.credentials.sessions.get(hash, () => this.sessions.byTokenHash(hash));
    if (!row || row.disabled_at !== null) return null;
    if (Number(row.expires_at) <= now || Number(row.last_seen_at) <= now - this.policy.idleMs) return null;
    if (Number(row.last_seen_at) < now - sessionTouchInterval(this.policy.idleMs)) {
      row.last_seen_at = now;
      await this.sessions.touch(row.session_id, now);
    }
    return {
      userId: row.user_id,
      email: row.email,
      role: row.role as Role,
      permissions: effectivePermissions(row.role as Role),
      via: 'session',
      sessionId: row.session_id,
      tokenId: null,
      csrfToken: csrfTokenFor(sessionToken),
      mfaEnrolmentRequired: mustEnrolMfa(this.policy, row.role, row.mfa_enabled_at),
      user: userFromJoin(row),
    };
  }
}
