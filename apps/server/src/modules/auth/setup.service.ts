import type { SetupRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken } from '../../platform/crypto/secret-box';
import { problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import { assertPasswordStrong, hashPassword } from './password';
import type { ClientInfo, IssuedSession, SessionService } from './session.service';
import { SetupTokenRepository, setupTokenKey } from './setup.repository';
import { newUserRow, toUser, UserRepository, type UserRow } from './user.repository';

const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/** Why a setup attempt created nobody. */
type Refusal = 'initialised' | 'bad-token';

/**
 * First-run setup: one-time setup tokens for the server console, and creating the first admin with one. Tokens are
 * stored as SHA-256 hashes in system_state; once an admin exists no token is issued and setup answers 404 for good.
 */
export class SetupService {
  private readonly users: UserRepository;
  private readonly tokens: SetupTokenRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly sessions: SessionService,
  ) {
    this.users = new UserRepository(db);
    this.tokens = new SetupTokenRepository(db);
  }

  /** True once an admin exists; from then on the setup route answers 404 for good. */
  isInitialised(): Promise<boolean> {
    return this.users.anyAdmin();
  }

  /**
   * Issues a one-time setup token for this process to print, valid for 24 hours, when no admin exists yet; returns
   * null otherwise (and deletes any token left behind). Several processes may each hold one; any unexpired one
   * works, and all are deleted when the first admin is created.
   */
  async issueToken(now = Date.now()): Promise<string | null> {
    if (await this.isInitialised()) {
      await this.tokens.deleteAll(this.db);
      return null;
    }
    const token = randomToken(24);
    await this.tokens.insert(token, now + SETUP_TOKEN_TTL_MS, now);
    return token;
  }

  /**
   * Creates the first admin with a valid setup token and signs them in: exactly one admin however many requests race,
   * on either engine. 404 once initialised (also for the losers of a race); 403, audited, for a wrong or expired token.
   */
  async setup(input: SetupRequest, ctx: ActionContext, client: ClientInfo): Promise<IssuedSession> {
    assertPasswordStrong(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const now = Date.now();
    const outcome = await this.db.transaction().execute(async (trx): Promise<UserRow | Refusal> => {
      if (await this.users.anyAdmin(trx)) return 'initialised';
      const expiresAt = await this.tokens.expiryOf(trx, input.token);
      if (expiresAt === null || expiresAt < now) {
        // A race's winner deletes every token with the admin it commits: a token gone since the check above is theirs.
        return (await this.users.anyAdmin(trx)) ? 'initialised' : 'bad-token';
      }
      // The claim: whoever deletes the token rows first creates the admin; a concurrent claim gets no rows back.
      const claimed = await this.tokens.deleteAll(trx);
      if (!claimed.includes(setupTokenKey(input.token))) return 'initialised';
      const row = newUserRow(input.email, input.name, 'admin', passwordHash, now);
      await this.users.insert(trx, row);
      await this.audit.append(
        trx,
        { ...ctx, actor: { type: 'anonymous', id: null, label: 'setup' } },
        { action: 'setup.completed', targetType: 'user', targetId: row.id, after: toUser(row) },
      );
      return row;
    });
    if (outcome === 'initialised') throw problems.notFound('The setup route');
    if (outcome === 'bad-token') {
      // Recorded on its own: the refusal created nothing, so there is no transaction for it to share.
      await this.audit.record(ctx, { action: 'setup.failed', outcome: 'denied' });
      throw problems.forbidden('The setup token is wrong or expired. Use the token printed on the server console.');
    }
    return this.sessions.start(outcome, { ...ctx, actor: { type: 'user', id: outcome.id, label: outcome.email } }, client);
  }
}
