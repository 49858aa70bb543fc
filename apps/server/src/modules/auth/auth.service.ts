import type { ChangePasswordRequest, LoginRequest, Me, PasswordChanged, Session, SetupRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Authenticator, Principal } from '../../platform/http/principal';
import type { AuthTables } from './auth.tables';
import { type CredentialCaches, credentialCaches } from './credential-cache';
import { CredentialResolver } from './credential-resolver';
import type { DeviceTrust } from './device-trust';
import type { LoginThrottle } from './login-throttle';
import type { MfaService } from './mfa.service';
import { PasswordChangeService } from './password-change.service';
import type { SessionPolicy } from './principals';
import type { Reauthentication } from './reauthentication';
import { type ClientInfo, type IssuedSession, SessionService } from './session.service';
import { SetupService } from './setup.service';
import { type SignedIn, type SignInClient, SignInService } from './sign-in.service';

export type { SessionPolicy } from './principals';

/** What the auth service is built from. */
export interface AuthServiceOptions {
  db: Kysely<AuthTables>;
  audit: AuditLog;
  mfa: MfaService;
  policy: SessionPolicy;
  throttle: LoginThrottle;
  devices: DeviceTrust;
  reauth: Reauthentication;
  credentials?: CredentialCaches;
  /** Epoch milliseconds now; injected so tests can move time. */
  clock?: () => number;
}

/**
 * The auth module's face for the routes, the access hook and the server process: first-run setup, sign-in,
 * sessions, password change and request authentication, each done by its own service (setup.service.ts,
 * sign-in.service.ts, session.service.ts, password-change.service.ts, credential-resolver.ts) and reached through
 * here. Every state change is audited in the same transaction; sessions and tokens are looked up by the SHA-256 of
 * their value and neither is stored in clear.
 */
export class AuthService implements Authenticator {
  private readonly setupService: SetupService;
  private readonly signIn: SignInService;
  private readonly sessions: SessionService;
  private readonly passwords: PasswordChangeService;
  private readonly resolver: CredentialResolver;
  private readonly throttle: LoginThrottle;
  private readonly devices: DeviceTrust;
  private readonly reauth: Reauthentication;

  constructor(options: AuthServiceOptions) {
    const { db, audit, mfa, policy } = options;
    const credentials = options.credentials ?? credentialCaches(undefined);
    const clock = options.clock ?? Date.now;
    this.sessions = new SessionService(db, audit, policy, credentials, clock);
    this.setupService = new SetupService(db, audit, this.sessions);
    this.throttle = options.throttle;
    this.devices = options.devices;
    this.signIn = new SignInService(db, audit, mfa, this.sessions, this.throttle, this.devices);
    this.reauth = options.reauth;
    this.passwords = new PasswordChangeService(db, audit, credentials, this.reauth);
    this.resolver = new CredentialResolver(db, policy, credentials, clock);
  }

  /** True once an admin exists; from then on the setup route answers 404 for good. */
  isInitialised(): Promise<boolean> {
    return this.setupService.isInitialised();
  }

  /** A one-time setup token for this process to print while no admin exists, else null (see SetupService). */
  issueSetupToken(now = Date.now()): Promise<string | null> {
    return this.setupService.issueToken(now);
  }

  /** Creates the first admin with a valid setup token and signs them in. 404 once initialised; 403 for a bad token. */
  setup(input: SetupRequest, ctx: ActionContext, client: ClientInfo): Promise<IssuedSession> {
    return this.setupService.setup(input, ctx, client);
  }

  /**
   * Signs in with email, password and (when enrolled) a second factor; throttled, a browser the account signed in
   * from before on its own failures only (see SignInService). Answers the session and a fresh device cookie.
   */
  login(input: LoginRequest, ctx: ActionContext, client: SignInClient): Promise<SignedIn> {
    return this.signIn.login(input, ctx, client);
  }

  /** The device id of a genuine, unexpired device cookie of any account, or null (see DeviceTrust). */
  trustedDevice(cookie: string | undefined): string | null {
    return this.devices.deviceOf(cookie);
  }

  /** Ends the caller's session; nothing for a token caller. */
  logout(principal: Principal, ctx: ActionContext): Promise<void> {
    return this.sessions.logout(principal, ctx);
  }

  /** Resolves a request's caller: a live session cookie, or a live, unrevoked, unexpired API token. */
  authenticate(input: { sessionToken: string | undefined; bearerToken: string | undefined; ip: string }): Promise<Principal | null> {
    return this.resolver.authenticate(input);
  }

  /** The `Me` document for a principal; 401 when its user is gone. */
  me(principal: Principal): Promise<Me> {
    return this.sessions.me(principal);
  }

  /**
   * Changes one's own password after re-authentication (see Reauthentication); revokes every session of the user,
   * this one too, and their API tokens unless `keepTokens`. Answers how many of each were revoked.
   */
  changePassword(principal: Principal, request: ChangePasswordRequest, ctx: ActionContext): Promise<PasswordChanged> {
    return this.passwords.change(principal, request.currentPassword, request.newPassword, request.keepTokens ?? false, ctx);
  }

  /** One's own sessions, newest last; only to a browser session (403 `session-required` for an API token). */
  async listSessions(principal: Principal, limit: number, cursor?: string): Promise<{ items: Session[]; nextCursor: string | null }> {
    this.reauth.requireSession(principal);
    return this.sessions.list(principal, limit, cursor);
  }

  /** Revokes one of one's own sessions after re-authentication (see Reauthentication); 404 for anyone else's. */
  async revokeSession(principal: Principal, sessionId: string, password: string, ctx: ActionContext): Promise<void> {
    await this.reauth.confirm(principal, password, ctx, 'session.revoke');
    return this.sessions.revoke(principal, sessionId, ctx);
  }

  /** Deletes sessions past their idle or absolute limit. Safe to run from any process at any time. */
  pruneSessions(now?: number): Promise<number> {
    return this.sessions.prune(now);
  }

  /** Deletes sign-in failure counts that no longer hold anybody back. Safe to run from any process at any time. */
  pruneLoginThrottle(): Promise<number> {
    return this.throttle.prune();
  }
}
