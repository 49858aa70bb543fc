import type { LoginRequest } from '@estate/contract';
import { ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { HttpProblem, problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import type { DeviceTrust } from './device-trust';
import type { LoginThrottle, PasswordAttempt } from './login-throttle';
import type { MfaService } from './mfa.service';
import { burnVerification, verifyPassword } from './password';
import type { ClientInfo, IssuedSession, SessionService } from './session.service';
import { UserRepository } from './user.repository';

/** Where a sign-in comes from: the client, and the device cookie its browser sent (if any). */
export interface SignInClient extends ClientInfo {
  deviceCookie?: string | undefined;
}

/** A successful sign-in: the session, and the device cookie to hand the browser for its next sign-in. */
export interface SignedIn extends IssuedSession {
  deviceCookie: string;
}

/**
 * Signing in with email, password and (when enrolled) a second factor. Unknown accounts, disabled accounts and wrong
 * passwords all get the same answer after the same work; failures are audited and throttled (login-throttle.ts),
 * a browser the account signed in from before on its own (device-trust.ts).
 */
export class SignInService {
  private readonly users: UserRepository;

  constructor(
    db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly mfa: MfaService,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly devices: DeviceTrust,
  ) {
    this.users = new UserRepository(db);
  }

  /**
   * Signs in and starts a session. 401 for wrong credentials or a wrong second factor, 401 `mfa-required` when an
   * enrolled user sent neither a TOTP nor a recovery code, 429 with Retry-After while throttled.
   */
  async login(input: LoginRequest, ctx: ActionContext, client: SignInClient): Promise<SignedIn> {
    const email = input.email.trim().toLowerCase();
    const user = await this.users.byEmail(email);
    const attempt = { email, ip: client.ip, trustedDevice: user ? this.devices.deviceFor(client.deviceCookie, user.id) : null };
    const wait = await this.throttle.retryAfterSeconds(attempt);
    if (wait > 0) {
      await this.audit.record(ctx, {
        action: 'auth.login.throttled',
        outcome: 'denied',
        targetType: 'account',
        targetId: email,
        after: { retryAfterSeconds: wait, trustedDevice: attempt.trustedDevice !== null },
      });
      throw problems.tooManyRequests(wait);
    }
    let passwordOk = false;
    if (user) passwordOk = await verifyPassword(user.password_hash, input.password);
    else await burnVerification(input.password);
    if (!user || !passwordOk || user.disabled_at !== null) {
      await this.fail(attempt, ctx, user?.id ?? null, 'bad-credentials');
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
        await this.fail(attempt, ctx, user.id, 'bad-second-factor');
        throw invalidCredentials();
      }
    }
    await this.throttle.recordSuccess(attempt);
    const session = await this.sessions.start(
      user,
      { ...ctx, actor: { type: 'user', id: user.id, label: user.email } },
      client,
      input.recoveryCode ? 'recovery-code' : undefined,
    );
    return { ...session, deviceCookie: this.devices.issue(user.id) };
  }

  private async fail(attempt: PasswordAttempt, ctx: ActionContext, userId: string | null, reason: string): Promise<void> {
    await this.throttle.recordFailure(attempt);
    await this.audit.record(ctx, {
      action: 'auth.login.failed',
      outcome: 'failure',
      targetType: 'account',
      targetId: userId ?? attempt.email,
      after: { reason },
    });
  }
}

function invalidCredentials(): HttpProblem {
  return new HttpProblem(401, ProblemType.invalidCredentials, 'Sign-in failed', 'The email, password or code is not correct.');
}
