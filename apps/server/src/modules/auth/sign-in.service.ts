import type { LoginRequest } from '@estate/contract';
import { ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { HttpProblem, problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import { LoginThrottle } from './login-throttle';
import type { MfaService } from './mfa.service';
import { burnVerification, verifyPassword } from './password';
import type { ClientInfo, IssuedSession, SessionService } from './session.service';
import { UserRepository } from './user.repository';

/**
 * Signing in with email, password and (when enrolled) a second factor. Unknown accounts, disabled accounts and wrong
 * passwords all get the same answer after the same work; failures are throttled per account and per IP and audited.
 */
export class SignInService {
  private readonly users: UserRepository;
  private readonly throttle: LoginThrottle;

  constructor(
    db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly mfa: MfaService,
    private readonly sessions: SessionService,
    clock: () => number = Date.now,
  ) {
    this.users = new UserRepository(db);
    this.throttle = new LoginThrottle(db, clock);
  }

  /**
   * Signs in and starts a session. 401 for wrong credentials or a wrong second factor, 401 `mfa-required` when an
   * enrolled user sent neither a TOTP nor a recovery code, 429 while throttled.
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
      await this.fail(email, client.ip, ctx, user?.id ?? null, 'bad-credentials');
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
        await this.fail(email, client.ip, ctx, user.id, 'bad-second-factor');
        throw invalidCredentials();
      }
    }
    await this.throttle.recordSuccess(email);
    return this.sessions.start(
      user,
      { ...ctx, actor: { type: 'user', id: user.id, label: user.email } },
      client,
      input.recoveryCode ? 'recovery-code' : undefined,
    );
  }

  private async fail(email: string, ip: string, ctx: ActionContext, userId: string | null, reason: string): Promise<void> {
    await this.throttle.recordFailure(email, ip);
    await this.audit.record(ctx, {
      action: 'auth.login.failed',
      outcome: 'failure',
      targetType: 'account',
      targetId: userId ?? email,
      after: { reason },
    });
  }
}

function invalidCredentials(): HttpProblem {
  return new HttpProblem(401, ProblemType.invalidCredentials, 'Sign-in failed', 'The email, password or code is not correct.');
}
