import { type PasswordChanged, ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Principal } from '../../platform/http/principal';
import { HttpProblem } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import { assertPasswordStrong, hashPassword, verifyPassword } from './password';
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
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.tokens = new TokenRepository(db);
  }

  /**
   * Changes the caller's password after checking the current one (403 and an audited failure when it is wrong);
   * revokes every session of the user, this one too, and every API token unless `keepTokens`, in the same
   * transaction as the change. Answers how many of each were revoked.
   */
  async change(principal: Principal, current: string, next: string, keepTokens: boolean, ctx: ActionContext): Promise<PasswordChanged> {
    const user = await this.users.byId(principal.userId);
    if (!user || !(await verifyPassword(user.password_hash, current))) {
      await this.audit.record(ctx, { action: 'user.password.change', outcome: 'failure', targetType: 'user', targetId: principal.userId });
      throw new HttpProblem(403, ProblemType.invalidCredentials, 'Current password is wrong', 'Enter your current password to change it.');
    }
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
