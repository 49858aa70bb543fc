import type { LoginRequest, Me, Permission, Role, Session, SetupRequest, User } from '@estate/contract';
import { ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken, sha256Hex } from '../../platform/crypto/secret-box';
import { readJson } from '../../platform/db/database';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { Authenticator, Principal } from '../../platform/http/principal';
import { HttpProblem, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { effectivePermissions } from './auth.policy';
import type { AuthTables } from './auth.tables';
import { type CredentialCaches, credentialCaches } from './credential-cache';
import { LoginThrottle } from './login-throttle';
import type { MfaService } from './mfa.service';
import { assertPasswordStrong, burnVerification, hashPassword, verifyPassword } from './password';
import { SessionRepository } from './session.repository';
import { TokenRepository } from './token.repository';
import { toUser, UserRepository, type UserRow } from './user.repository';

/** Session lifetimes, from configuration. */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  requireAdminMfa: boolean;
}

/** A signed-in session: the cookie value (shown once, never stored) and who it belongs to. */
export interface IssuedSession {
  token: string;
  me: Me;
}

const SETUP_KEY_PREFIX = 'setup_token:';
const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * First-run setup, sign-in, sessions and request authentication. Every state change is audited in the same
 * transaction. Sessions and tokens are looked up by SHA-256 of their value; neither is stored in clear.
 */
export class AuthService implements Authenticator {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;
  private readonly tokens: TokenRepository;
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly mfa: MfaService,
    private readonly policy: SessionPolicy,
    private readonly credentials: CredentialCaches = credentialCaches(undefined),
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.tokens = new TokenRepository(db);
    this.throttle = new LoginThrottle(db);
  }

  /** True once an admin exists; from then on the setup route answers 404 for good. */
  async isInitialised(): Promise<boolean> {
    return this.users.anyAdmin();
  }

  /**
   * Issues a one-time setup token for this process to print, valid for 24 hours, when no admin exists yet; returns
   * null otherwise. Several processes may each hold one; any unexpired one works, and all are deleted at setup.
   */
  async issueSetupToken(now = Date.now()): Promise<string | null> {
    if (await this.isInitialised()) return null;
    const token = randomToken(24);
    await this.db
      .insertInto('system_state')
      .values({ key: `${SETUP_KEY_PREFIX}${sha256Hex(token)}`, value: String(now + SETUP_TOKEN_TTL_MS), updated_at: now })
      .execute();
    return token;
  }

  /** Creates the first admin with a valid setup token and signs them in. 404 once initialised; 403 for a bad token. */
  async setup(input: SetupRequest, ctx: ActionContext, client: ClientInfo): Promise<IssuedSession> {
    assertPasswordStrong(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const now = Date.now();
    const user = await this.db.transaction().execute(async (trx) => {
      if (await this.users.anyAdmin(trx)) throw problems.notFound('The setup route');
      const key = `${SETUP_KEY_PREFIX}${sha256Hex(input.token)}`;
      const stored = await trx.selectFrom('system_state').select('value').where('key', '=', key).executeTakeFirst();
      if (!stored || Number(stored.value) < now) {
        await this.audit.append(trx, ctx, { action: 'setup.failed', outcome: 'denied' });
        throw problems.forbidden('The setup token is wrong or expired. Use the token printed on the server console.');
      }
      await trx.deleteFrom('system_state').where('key', 'like', `${SETUP_KEY_PREFIX}%`).execute();
      const row = newUserRow(input.email, input.name, 'admin', passwordHash, now);
      await this.users.insert(trx, row);
      await this.audit.append(
        trx,
        { ...ctx, actor: { type: 'anonymous', id: null, label: 'setup' } },
        {
          action: 'setup.completed',
          targetType: 'user',
          targetId: row.id,
          after: toUser(row),
        },
      );
      return row;
    });
    return this.startSession(user, { ...ctx, actor: { type: 'user', id: user.id, label: user.email } }, client);
  }

  /**
   * Signs in with email, password and (when enrolled) a TOTP or recovery code. Unknown accounts, disabled accounts and
   * wrong passwords all get the same answer after the same work. Throttled per account and per IP (429).
   */
  async login(input: LoginRequest, ctx: ActionContext, client: ClientInfo): Promise<IssuedSession> {
    const email = input.email.trim().toLowerCase();
    const wait = await this.throttle.retryAfterSeconds(email, client.ip);
    if (wait > 0) {
      await this.audit.record(ctx, { action: 'auth.login.throttled', outcome: 'denied', targetType: 'account', targetId: email });
      throw problems.tooManyRequests(wait);
    }
    const user = await this.users.byEmail(email);
    let passwordOk = false;
    if (user) passwordOk = await verifyPassword(user.password_hash, input.password);
    else await burnVerification(input.password);
    if (!user || !passwordOk || user.disabled_at !== null) {
      await this.failLogin(email, client.ip, ctx, user?.id ?? null, 'bad-credentials');
      throw invalidCredentials();
    }
    if (user.mfa_enabled_at !== null) {
      if (!input.totp && !input.recoveryCode) {
        throw new HttpProblem(401, ProblemType.mfaRequired, 'Two-factor code required', 'Enter the code from your authenticator app.');
      }
      const ok = input.totp
        ? await this.mfa.checkTotp(user, input.totp)
        : await this.mfa.consumeRecoveryCode(user.id, input.recoveryCode ?? '');
      if (!ok) {
        await this.failLogin(email, client.ip, ctx, user.id, 'bad-second-factor');
        throw invalidCredentials();
      }
    }
    await this.throttle.recordSuccess(email);
    return this.startSession(
      user,
      { ...ctx, actor: { type: 'user', id: user.id, label: user.email } },
      client,
      input.recoveryCode ? 'recovery-code' : undefined,
    );
  }

  private async failLogin(email: string, ip: string, ctx: ActionContext, userId: string | null, reason: string): Promise<void> {
    await this.throttle.recordFailure(email, ip);
    await this.audit.record(ctx, {
      action: 'auth.login.failed',
      outcome: 'failure',
      targetType: 'account',
      targetId: userId ?? email,
      after: { reason },
    });
  }

  /** Creates a fresh session (a new id every login: no fixation), audited as a login. */
  private async startSession(user: UserRow, ctx: ActionContext, client: ClientInfo, method?: string): Promise<IssuedSession> {
    const token = randomToken(32);
    const now = Date.now();
    const row = {
      id: newId(now),
      token_hash: sha256Hex(token),
      user_id: user.id,
      csrf_token: randomToken(24),
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
    return { token, me: this.meFor(toUser(fresh), this.principalFor(fresh, 'session', row.id, null, row.csrf_token)) };
  }

  /** Ends a session. */
  async logout(principal: Principal, ctx: ActionContext): Promise<void> {
    if (!principal.sessionId) return;
    const sessionId = principal.sessionId;
    await this.db.transaction().execute(async (trx) => {
      await this.sessions.delete(trx, sessionId);
      await this.audit.append(trx, ctx, { action: 'auth.logout', targetType: 'session', targetId: sessionId });
    });
    this.credentials.userChanged(principal.userId);
  }

  /** Resolves a request's caller: a live session cookie, or a live, unrevoked, unexpired API token. */
  async authenticate(input: { sessionToken: string | undefined; bearerToken: string | undefined; ip: string }): Promise<Principal | null> {
    const now = Date.now();
    if (input.bearerToken !== undefined) {
      if (!input.bearerToken.startsWith('estate_')) return null;
      const hash = sha256Hex(input.bearerToken);
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
        mfaEnrolmentRequired: false,
        user: userFromJoin(row),
      };
    }
    if (!input.sessionToken) return null;
    const hash = sha256Hex(input.sessionToken);
    const row = await this.credentials.sessions.get(hash, () => this.sessions.byTokenHash(hash));
    if (!row || row.disabled_at !== null) return null;
    if (Number(row.expires_at) <= now || Number(row.last_seen_at) <= now - this.policy.idleMs) return null;
    if (Number(row.last_seen_at) < now - TOUCH_EVERY_MS) {
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
      csrfToken: row.csrf_token,
      mfaEnrolmentRequired: this.mustEnrolMfa(row.role, row.mfa_enabled_at),
      user: userFromJoin(row),
    };
  }

  /** The `Me` document for a principal. */
  async me(principal: Principal): Promise<Me> {
    if (principal.user) return this.meFor(principal.user, principal);
    const user = await this.users.byId(principal.userId);
    if (!user) throw problems.unauthenticated();
    return this.meFor(toUser(user), principal);
  }

  /** Whether the admin-MFA policy holds this user to enrolling TOTP before anything else. */
  private mustEnrolMfa(role: string, mfaEnabledAt: number | null): boolean {
    return this.policy.requireAdminMfa && role === 'admin' && mfaEnabledAt === null;
  }

  private meFor(user: User, principal: Principal): Me {
    return {
      user,
      permissions: [...principal.permissions].sort(),
      via: principal.via,
      csrfToken: principal.csrfToken,
      mfaEnrolmentRequired: principal.mfaEnrolmentRequired,
    };
  }

  private principalFor(user: UserRow, via: 'session', sessionId: string, tokenId: null, csrfToken: string): Principal {
    return {
      userId: user.id,
      email: user.email,
      role: user.role as Role,
      permissions: effectivePermissions(user.role as Role),
      via,
      sessionId,
      tokenId,
      csrfToken,
      mfaEnrolmentRequired: this.mustEnrolMfa(user.role, user.mfa_enabled_at),
    };
  }

  /** Changes one's own password after checking the current one; revokes every session of the user, this one too. */
  async changePassword(principal: Principal, current: string, next: string, ctx: ActionContext): Promise<void> {
    const user = await this.users.byId(principal.userId);
    if (!user || !(await verifyPassword(user.password_hash, current))) {
      await this.audit.record(ctx, { action: 'user.password.change', outcome: 'failure', targetType: 'user', targetId: principal.userId });
      throw new HttpProblem(403, ProblemType.invalidCredentials, 'Current password is wrong', 'Enter your current password to change it.');
    }
    assertPasswordStrong(next, user.email, 'newPassword');
    const passwordHash = await hashPassword(next);
    await this.db.transaction().execute(async (trx) => {
      await this.users.updateVersioned(trx, user.id, user.version, { password_hash: passwordHash });
      const revoked = await this.sessions.deleteForUser(trx, user.id);
      await this.audit.append(trx, ctx, {
        action: 'user.password.change',
        targetType: 'user',
        targetId: user.id,
        after: { sessionsRevoked: revoked },
      });
    });
    this.credentials.userChanged(user.id);
  }

  /** One's own sessions, newest last. */
  async listSessions(principal: Principal, limit: number, cursor?: string): Promise<{ items: Session[]; nextCursor: string | null }> {
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
  async revokeSession(principal: Principal, sessionId: string, ctx: ActionContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('sessions').select(['id', 'user_id']).where('id', '=', sessionId).executeTakeFirst();
      if (!row || row.user_id !== principal.userId) throw problems.notFound('The session');
      await this.sessions.delete(trx, sessionId);
      await this.audit.append(trx, ctx, { action: 'session.revoke', targetType: 'session', targetId: sessionId });
    });
    this.credentials.userChanged(principal.userId);
  }

  /** Deletes sessions past their idle or absolute limit. Safe to run from any process at any time. */
  pruneSessions(now = Date.now()): Promise<number> {
    return this.sessions.deleteExpired(now, this.policy.idleMs);
  }
}

/** The user columns joined onto a session or token row, as the API presents them. */
function userFromJoin(row: {
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

/** Where a sign-in came from; stored with the session so users can recognise it. */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

function invalidCredentials(): HttpProblem {
  return new HttpProblem(401, ProblemType.invalidCredentials, 'Sign-in failed', 'The email, password or code is not correct.');
}

/** A new user row with defaults. */
export function newUserRow(email: string, name: string, role: Role, passwordHash: string, now: number): UserRow {
  return {
    id: newId(now),
    email: email.trim().toLowerCase(),
    name,
    role,
    password_hash: passwordHash,
    mfa_secret: null,
    mfa_enabled_at: null,
    mfa_last_step: null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
    last_login_at: null,
    version: 1,
  };
}
