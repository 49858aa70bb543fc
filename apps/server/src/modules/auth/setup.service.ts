import type { SetupRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken, sha256Hex } from '../../platform/crypto/secret-box';
import { problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import { assertPasswordStrong, hashPassword } from './password';
import type { ClientInfo, IssuedSession, SessionService } from './session.service';
import { newUserRow, toUser, UserRepository } from './user.repository';

const SETUP_KEY_PREFIX = 'setup_token:';
const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

/**
 * First-run setup: one-time setup tokens for the server console, and creating the first admin with one. Tokens are
 * stored as SHA-256 hashes in system_state; once an admin exists no token is issued and setup answers 404 for good.
 */
export class SetupService {
  private readonly users: UserRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly sessions: SessionService,
  ) {
    this.users = new UserRepository(db);
  }

  /** True once an admin exists; from then on the setup route answers 404 for good. */
  isInitialised(): Promise<boolean> {
    return this.users.anyAdmin();
  }

  /**
   * Issues a one-time setup token for this process to print, valid for 24 hours, when no admin exists yet; returns
   * null otherwise. Several processes may each hold one; any unexpired one works, and all are deleted at setup.
   */
  async issueToken(now = Date.now()): Promise<string | null> {
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
    return this.sessions.start(user, { ...ctx, actor: { type: 'user', id: user.id, label: user.email } }, client);
  }
}
