import { ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Principal } from '../../platform/http/principal';
import { HttpProblem, problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import type { LoginThrottle, PasswordAttempt } from './login-throttle';
import { verifyPassword } from './password';
import { UserRepository, type UserRow } from './user.repository';

/** The answer to an API token (or any caller without a browser session) on a route that needs re-authentication. */
export function sessionRequired(): HttpProblem {
  return new HttpProblem(
    403,
    ProblemType.sessionRequired,
    'Browser session required',
    'Changing the password, the second factor or sessions needs a signed-in browser session and the current password; API tokens cannot do it.',
  );
}

/**
 * Re-authentication for the changes that could take an account over: the password, the second factor and sessions.
 * Only the holder of a browser session may make them, never an API token (a leaked `self` token must not be able to
 * lock its owner out), and with the account's current password. Wrong passwords are audited under the change's
 * action and throttled per session like sign-in failures, so a stolen session cookie cannot guess the password.
 */
export class Reauthentication {
  private readonly users: UserRepository;

  constructor(
    db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
  ) {
    this.users = new UserRepository(db);
  }

  /** Refuses a caller without a browser session (403 `session-required`). */
  requireSession(principal: Principal): string {
    if (principal.via !== 'session' || !principal.sessionId) throw sessionRequired();
    return principal.sessionId;
  }

  /**
   * Confirms that the caller's session is held by the account's owner: 403 `session-required` without a session,
   * 403 `invalid-credentials` (audited as a failed `action`) for a wrong password, 429 while this session is
   * throttled. Answers the caller's user row as read now.
   */
  async confirm(principal: Principal, password: string, ctx: ActionContext, action: string): Promise<UserRow> {
    const sessionId = this.requireSession(principal);
    const user = await this.users.byId(principal.userId);
    if (!user) throw problems.unauthenticated();
    const attempt: PasswordAttempt = { email: user.email, ip: ctx.sourceIp ?? '', trustedDevice: `session:${sessionId}` };
    const wait = await this.throttle.retryAfterSeconds(attempt);
    if (wait > 0) {
      await this.audit.record(ctx, { action, outcome: 'denied', targetType: 'user', targetId: user.id, after: { reason: 'throttled' } });
      throw problems.tooManyRequests(wait);
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      await this.throttle.recordFailure(attempt);
      await this.audit.record(ctx, {
        action,
        outcome: 'failure',
        targetType: 'user',
        targetId: user.id,
        after: { reason: 'wrong-password' },
      });
      throw new HttpProblem(
        403,
        ProblemType.invalidCredentials,
        'Password is wrong',
        'Enter your current password to confirm this change.',
      );
    }
    await this.throttle.recordSuccess(attempt);
    return user;
  }
}
