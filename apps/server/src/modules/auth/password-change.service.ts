import type { PasswordChanged } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Principal } from '../../platform/http/principal';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import { assertPasswordStrong, hashPassword } from './password';
import type { Reauthentication } from './reauthentication';
import { SessionRepository } from './session.repository';
import { TokenRepository } from './token.repository';
import { UserRepository } from './user.repository';

/** Changing one's own password, which signs the user out everywhere and (unless asked not to) revokes their API tokens. */
export class PasswordChangeService {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;
  private readonly tokens: TokenRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly credentials: CredentialChanges,
    private readonly reauth: Reauthentication,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.tokens = new TokenRepository(db);
  }

  /**
   * Changes the caller's password after re-authentication (reauthentication.ts: a browser session and the current
   * password, else 403 and an audited failure);
   * revokes every session of the user, this one too, and every API token unless `keepTokens`, in the same
   * transaction as the change. Answers how many of each were revoked.
   */
  async change(principal: Principal, current: string, next: string, keepTokens: boolean, ctx: ActionContext): Promise<PasswordChanged> {
    const user = await this.reauth.confirm(principal, current, ctx, 'user.password.change');
    assertPasswordStrong(next, user.email, 'newPassword');
    const passwordHash = await hashPassword(next);
    const revoked = await this.db.transaction().execute(async (trx) => {
      await this.users.updateVersioned(trx, user.id, user.version, { password_hash: passwordHash });
      const counts = {
        sessionsRevoked: await this.sessions.deleteForUser(trx, user.id),
        tokensRevoked: keepTokens ? 0 : await this.tokens.revokeForUser(trx, user.id, Date.now()),
      };
      await this.audit.append(trx, ctx, { action: 'user.password.change', targetType: 'user', targetId: user.id, after: counts });
      return counts;
    });
    this.credentials.userChanged(user.id);
    return revoked;
  }
}
