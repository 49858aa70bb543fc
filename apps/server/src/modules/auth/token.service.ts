import { type ApiToken, type CreatedToken, type CreateTokenRequest, ProblemType, type Role, type TokenListQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken, sha256Hex } from '../../platform/crypto/secret-box';
import type { Principal } from '../../platform/http/principal';
import { HttpProblem, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { scopesAllowed } from './auth.policy';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import { mustEnrolMfa, type SessionPolicy } from './principals';
import { TokenRepository, toApiToken } from './token.repository';
import { UserRepository } from './user.repository';

const DAY_MS = 86_400_000;

/**
 * API tokens: `estate_` + 256 random bits, shown once at creation and stored as SHA-256. A token carries scopes (a
 * subset of its owner's permissions at creation; re-checked against the owner's role on every request), an expiry,
 * and its last use. Users manage their own; holders of `tokens:*-all` manage everyone's. While the admin-MFA policy
 * is on, admins without TOTP get no token, and the tokens they hold are refused (credential-resolver.ts).
 */
export class TokenService {
  private readonly tokens: TokenRepository;
  private readonly users: UserRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly credentials: CredentialChanges,
    private readonly policy: SessionPolicy,
  ) {
    this.tokens = new TokenRepository(db);
    this.users = new UserRepository(db);
  }

  /**
   * Creates a token for `userId` (the caller, or anyone for the CLI). 400 when a scope exceeds the owner's role; 403
   * `mfa-enrolment-required` while the admin-MFA policy holds the owner to enrolling TOTP (such a token would be
   * refused at every use anyway).
   */
  async create(userId: string, input: CreateTokenRequest, ctx: ActionContext, caller?: Principal): Promise<CreatedToken> {
    // A token may mint tokens only within its own scopes, or a narrow token could widen itself.
    if (caller?.via === 'token' && !input.scopes.every((s) => caller.permissions.has(s))) {
      throw problems.forbidden('A token can only create tokens with scopes it holds itself.');
    }
    const owner = await this.users.byId(userId);
    if (!owner || owner.disabled_at !== null) throw problems.notFound('The user');
    if (mustEnrolMfa(this.policy, owner.role, owner.mfa_enabled_at)) {
      throw new HttpProblem(
        403,
        ProblemType.mfaEnrolmentRequired,
        'Two-factor enrolment required',
        'Administrators must enrol TOTP before they can hold API tokens.',
      );
    }
    if (!scopesAllowed(owner.role as Role, input.scopes)) {
      throw problems.validation(`A ${owner.role} cannot hold a token with these scopes.`, [
        { path: 'body/scopes', message: 'exceeds the role of the token owner' },
      ]);
    }
    const secret = `estate_${randomToken(32)}`;
    const now = Date.now();
    const row = {
      id: newId(now),
      user_id: owner.id,
      name: input.name,
      prefix: secret.slice(0, 14),
      token_hash: sha256Hex(secret),
      scopes: input.scopes,
      created_at: now,
      expires_at: now + (input.expiresInDays ?? 90) * DAY_MS,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.tokens.insert(trx, row);
      await this.audit.append(trx, ctx, { action: 'token.create', targetType: 'api_token', targetId: row.id, after: toApiToken(row) });
    });
    return { token: secret, apiToken: toApiToken(row) };
  }

  /** Lists the caller's tokens, or another user's with `tokens:read-all`. */
  async list(principal: Principal, query: TokenListQuery): Promise<{ items: ApiToken[]; nextCursor: string | null }> {
    const userId = query.userId ?? principal.userId;
    if (userId !== principal.userId && !principal.permissions.has('tokens:read-all'))
      throw problems.forbidden('You may list only your own tokens.');
    const page = await this.tokens.list({ userId, includeRevoked: query.includeRevoked, limit: query.limit ?? 50, cursor: query.cursor });
    return { items: page.items.map(toApiToken), nextCursor: page.nextCursor };
  }

  /** Revokes a token of one's own (or anyone's with `tokens:write-all`); 404 for tokens the caller may not see. */
  async revoke(principal: Principal, id: string, ctx: ActionContext): Promise<void> {
    const owner = await this.db.transaction().execute(async (trx) => {
      const row = await this.tokens.byId(id, trx);
      if (!row || (row.user_id !== principal.userId && !principal.permissions.has('tokens:write-all')))
        throw problems.notFound('The token');
      if (row.revoked_at !== null) return null;
      await this.tokens.revoke(trx, id, Date.now());
      await this.audit.append(trx, ctx, { action: 'token.revoke', targetType: 'api_token', targetId: id, before: toApiToken(row) });
      return row.user_id;
    });
    if (owner) this.credentials.userChanged(owner);
  }

  /** Creates a token from the CLI for the user with `email`; the secret is the only output. */
  async createFromCli(email: string, input: CreateTokenRequest): Promise<CreatedToken> {
    const owner = await this.users.byEmail(email);
    if (!owner) throw problems.notFound(`The user ${email}`);
    return this.create(owner.id, input, {
      actor: { type: 'cli', id: null, label: 'estate token create' },
      requestId: null,
      sourceIp: null,
    });
  }
}
