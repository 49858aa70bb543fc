import { randomBytes } from 'node:crypto';
import type { RecoveryCodes, TotpEnrolment } from '@estate/contract';
import { ProblemType } from '@estate/contract';
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { type SecretBox, sha256Hex } from '../../platform/crypto/secret-box';
import type { Principal } from '../../platform/http/principal';
import { HttpProblem, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import type { Reauthentication } from './reauthentication';
import { SessionRepository } from './session.repository';
import { matchTotp, newTotpSecret, otpauthUrl } from './totp';
import { UserRepository, type UserRow } from './user.repository';

const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * TOTP second factor: enrolment (a pending secret until the first code confirms it), verification with replay
 * protection, single-use recovery codes, and removal. Secrets are encrypted at rest, bound to their user's id.
 * Enabling or disabling MFA revokes the user's other sessions; both need re-authentication (reauthentication.ts).
 */
export class MfaService {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly box: SecretBox,
    private readonly credentials: CredentialChanges,
    private readonly reauth: Reauthentication,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
  }

  private decryptSecret(user: UserRow): string {
    if (!user.mfa_secret) throw problems.conflict('No TOTP secret is enrolled.');
    return this.box.decrypt(user.mfa_secret, `totp:${user.id}`);
  }

  /**
   * Starts (or restarts) enrolment after re-authentication (a browser session and the current password): a new
   * pending secret, shown once as text and QR code. 409 when already on.
   */
  async beginEnrolment(principal: Principal, password: string, ctx: ActionContext): Promise<TotpEnrolment> {
    const user = await this.reauth.confirm(principal, password, ctx, 'user.mfa.enrolment.start');
    if (user.mfa_enabled_at !== null)
      throw problems.conflict('Two-factor authentication is already enabled; disable it first to enrol a new device.');
    const secret = newTotpSecret();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ mfa_secret: this.box.encrypt(secret, `totp:${user.id}`), mfa_last_step: null })
        .where('id', '=', user.id)
        .execute();
      await this.audit.append(trx, ctx, { action: 'user.mfa.enrolment.start', targetType: 'user', targetId: user.id });
    });
    const url = otpauthUrl(secret, user.email);
    return { secret, otpauthUrl: url, qrSvg: await QRCode.toString(url, { type: 'svg', margin: 1 }) };
  }

  /**
   * Confirms enrolment with a first valid code; turns MFA on and returns fresh recovery codes (shown once). Needs a
   * browser session; the code itself proves knowledge of the secret that only a re-authenticated start revealed.
   */
  async confirmEnrolment(principal: Principal, code: string, ctx: ActionContext): Promise<RecoveryCodes> {
    this.reauth.requireSession(principal);
    const user = await this.users.byId(principal.userId);
    if (!user) throw problems.unauthenticated();
    if (user.mfa_enabled_at !== null) throw problems.conflict('Two-factor authentication is already enabled.');
    if (!user.mfa_secret) throw problems.conflict('Start enrolment first (POST /api/v1/me/mfa/totp).');
    const step = matchTotp(this.decryptSecret(user), code, user.mfa_last_step);
    if (step === null) {
      throw new HttpProblem(400, ProblemType.validation, 'Wrong code', 'The code does not match; check the clock of your device.', [
        { path: 'body/code', message: 'does not match' },
      ]);
    }
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ mfa_enabled_at: now, mfa_last_step: step, updated_at: now, version: user.version + 1 })
        .where('id', '=', user.id)
        .execute();
      await this.users.replaceRecoveryCodes(
        trx,
        user.id,
        codes.map((c) => ({ id: newId(now), user_id: user.id, code_hash: sha256Hex(`${user.id}:${c}`), used_at: null })),
      );
      const revoked = await this.sessions.deleteForUser(trx, user.id, principal.sessionId ?? undefined);
      await this.audit.append(trx, ctx, {
        action: 'user.mfa.enable',
        targetType: 'user',
        targetId: user.id,
        after: { otherSessionsRevoked: revoked },
      });
    });
    this.credentials.userChanged(user.id);
    return { recoveryCodes: codes };
  }

  /** Turns MFA off after re-authentication (a browser session and the password); removes the secret and recovery codes. */
  async disable(principal: Principal, password: string, ctx: ActionContext): Promise<void> {
    const user = await this.reauth.confirm(principal, password, ctx, 'user.mfa.disable');
    if (user.mfa_enabled_at === null && !user.mfa_secret) throw problems.conflict('Two-factor authentication is not enabled.');
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null, updated_at: Date.now(), version: user.version + 1 })
        .where('id', '=', user.id)
        .execute();
      await this.users.replaceRecoveryCodes(trx, user.id, []);
      const revoked = await this.sessions.deleteForUser(trx, user.id, principal.sessionId ?? undefined);
      await this.audit.append(trx, ctx, {
        action: 'user.mfa.disable',
        targetType: 'user',
        targetId: user.id,
        after: { otherSessionsRevoked: revoked },
      });
    });
    this.credentials.userChanged(user.id);
  }

  /** Checks a TOTP code at sign-in and records its step, so the same code cannot be used twice. */
  async checkTotp(user: UserRow, code: string): Promise<boolean> {
    const step = matchTotp(this.decryptSecret(user), code, user.mfa_last_step);
    if (step === null) return false;
    return this.users.recordTotpStep(this.db, user.id, step);
  }

  /** Uses up a recovery code; false when it is wrong or already used. */
  consumeRecoveryCode(userId: string, code: string): Promise<boolean> {
    return this.users.consumeRecoveryCode(this.db, userId, sha256Hex(`${userId}:${code.toLowerCase()}`), Date.now());
  }
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}`;
}
