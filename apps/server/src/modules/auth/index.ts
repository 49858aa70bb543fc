import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { ChangeFeed } from '../../platform/db/change-feed';
import type { HttpServer } from '../../platform/http/http-server';
import type { EstateModule } from '../../platform/module/estate-module';
import { registerSessionRoutes } from './auth.routes';
import { AuthService, type SessionPolicy } from './auth.service';
import type { AuthTables } from './auth.tables';
import { credentialCaches } from './credential-cache';
import { DeviceTrust } from './device-trust';
import { LoginThrottle } from './login-throttle';
import { MfaService } from './mfa.service';
import { registerProfileRoutes } from './profile.routes';
import { Reauthentication } from './reauthentication';
import { type SessionOnlyHook, sessionOnly } from './session-only';
import { registerSetupRoutes } from './setup.routes';
import { registerTokenRoutes } from './token.routes';
import { TokenService } from './token.service';
import { registerUserRoutes } from './user.routes';
import { UserService } from './user.service';

export { ROLE_PERMISSIONS } from './auth.policy';
export type { AuthService } from './auth.service';
export type { TokenService } from './token.service';
export type { UserService } from './user.service';

/** The auth module: its services (for wiring and for the CLI), its routes and its session housekeeping. */
export interface AuthModule extends EstateModule {
  auth: AuthService;
  mfa: MfaService;
  users: UserService;
  tokens: TokenService;
}

export interface AuthModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  audit: AuditLog;
  secretBox: SecretBox;
  policy: SessionPolicy;
  /** PostgreSQL's change feed: with it, resolved credentials are cached between requests (ADR 0012). */
  changes?: ChangeFeed | undefined;
  /** The session cookie's lifetime and the public URL (for the cookie's `Secure` flag and origin checks). */
  http: { sessionMaxAgeMs: number; publicUrl: string | undefined };
  /** Epoch milliseconds now; tests inject their own to move time. */
  clock?: () => number;
}

/** How often expired sessions and spent sign-in failure counts are deleted. */
const PRUNE_SESSIONS_EVERY_MS = 10 * 60_000;

/** Builds the auth module's services. */
export function createAuthModule(options: AuthModuleOptions): AuthModule {
  const db = options.db as Kysely<AuthTables>;
  const credentials = credentialCaches(options.changes);
  const clock = options.clock ?? Date.now;
  const throttle = new LoginThrottle(db, clock);
  const reauth = new Reauthentication(db, options.audit, throttle);
  const mfa = new MfaService(db, options.audit, options.secretBox, credentials, reauth);
  const devices = new DeviceTrust(options.secretBox.deriveKey('device-cookie'), clock);
  const module: AuthModule = {
    name: 'auth',
    auth: new AuthService({ db, audit: options.audit, mfa, policy: options.policy, throttle, devices, reauth, credentials, clock }),
    mfa,
    users: new UserService(db, options.audit, credentials),
    tokens: new TokenService(db, options.audit, credentials, options.policy),
    routes(http) {
      registerAuthRoutes(http, module, { ...options.http, sessionOnly: sessionOnly(options.audit) });
    },
    schedules(scheduler) {
      scheduler.every('auth.prune-sessions', PRUNE_SESSIONS_EVERY_MS, () => module.auth.pruneSessions());
      scheduler.every('auth.prune-login-throttle', PRUNE_SESSIONS_EVERY_MS, () => module.auth.pruneLoginThrottle());
    },
  };
  return module;
}

/** Registers setup, sign-in, profile, user and token routes. */
function registerAuthRoutes(
  app: HttpServer,
  module: AuthModule,
  options: { sessionMaxAgeMs: number; publicUrl: string | undefined; sessionOnly: SessionOnlyHook },
): void {
  const deps = { ...module, ...options };
  registerSetupRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerProfileRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerTokenRoutes(app, deps);
}
