import type { Me, Session } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken, sha256Hex } from '../../platform/crypto/secret-box';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { Principal } from '../../platform/http/principal';
import { problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import { csrfTokenFor } from './csrf-token';
import { meOf, type SessionPolicy, sessionPrincipal } from './principals';
import { SessionRepository } from './session.repository';
import { toUser, UserRepository, type UserRow } from './user.repository';

/** A signed-in session: the cookie value (shown once, never stored) and who it belongs to. */
export interface IssuedSession {
  token: string;
  me: Me;
}

/** Where a sign-in came from; stored with the session so users can recognise it. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

/**
 * Browser sessions once the caller is known: issuing one (a new id every sign-in, so no fixation), the `Me`
 * document, listing and revoking one's own sessions, signing out and pruning expired ones. Sessions are stored by
 * the SHA-256 of their token, never in clear; their CSRF token is derived from the token itself (csrf-token.ts) and
 * stored nowhere. Every change is audited in its own transaction.
 */
export class SessionService {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly policy: SessionPolicy,
    private readonly credentials: CredentialChanges,
    private readonly clock: () => number = Date.now,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
  }

  /**
   * Starts a session for `user`, who has just proven who they are, and notes the sign-in on the user; audited as
   * `auth.login` (with `method` when it was not the usual one).
   */
  async start(user: UserRow, ctx: ActionContext, client: ClientInfo, method?: string): Promise<IssuedSession> {
    const token = randomToken(32);
    const now = this.clock();
    const row = {
      id: newId(now),
      token_hash: sha256Hex(token),
      user_id: user.id,
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.policy.absoluteMs,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.insert(trx, row);
      await this.users.touchLogin(trx, user.id, now);
      await this.audit.append(trx, ctx, {
        action: 'auth.login',
        targetType: 'session',
        targetId: row.id,
        after: { userId: user.id, ip: client.ip, ...(method ? { method } : {}) },
      });
    });
    const fresh = (await this.users.byId(user.id)) ?? user;
    return { token, me: meOf(toUser(fresh), sessionPrincipal(this.policy, fresh, row.id, csrfTokenFor(token)), this.policy) };
  }

  /** Ends the caller's session; nothing for a token caller. */
  async logout(principal: Principal, ctx: ActionContext): Promise<void> {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.delete(trx, sessionId);
      await this.audit.append(trx, ctx, { action: 'auth.logout', targetType: 'session', targetId: sessionId });
    });
    this.credentials.userChanged(principal.userId);
  }

  /** The `Me` document for a principal; 401 when its user is gone. */
  async me(principal: Principal): Promise<Me> {
    if (principal.user) return meOf(principal.user, principal, this.policy);
    const user = await this.users.byId(principal.userId);
    if (!user) throw problems.unauthenticated();
    return meOf(toUser(user), principal, this.policy);
  }

  /** One's own sessions, newest last. */
  async list(principal: Principal, limit: number, cursor?: string): Promise<{ items: Session[]; nextCursor: string | null }> {
    const after = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
    const rows = await this.sessions.listForUser(principal.userId, limit, after);
    const page = toPage(rows, limit, (r) => [r.id]);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        id: r.id,
        current: r.id === principal.sessionId,
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
        expiresAt: Number(r.expires_at),
        ip: r.ip,
        userAgent: r.user_agent,
      })),
    };
  }

  /** Revokes one of one's own sessions; 404 for anyone else's. */
  async revoke(principal: Principal, sessionId: string, ctx: ActionContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', sessionId).executeTakeFirst();
      if (!row || row.user_id !== principal.userId) throw problems.notFound('The session');
      await this.sessions.delete(trx, sessionId);
      await this.audit.append(trx, ctx, { action: 'session.revoke', targetType: 'session', targetId: sessionId });
    });
    this.credentials.userChanged(principal.userId);
  }

  /** Deletes sessions past their idle or absolute limit. Safe to run from any process at any time. */
  prune(now = this.clock()): Promise<number> {
    return this.sessions.deleteExpired(now, this.policy.idleMs);
  }
}
