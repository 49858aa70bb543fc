import {
  type ChangePasswordRequest,
  type LoginRequest,
  type Me,
  type PageQuery,
  type PasswordChanged,
  type RecoveryCodes,
  AuthRoutes as routes,
  type Session,
  type SessionState,
  type SetupRequest,
  type TotpEnrolment,
} from '@estate/contract';
import { ApiError } from './api-error';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** Setup, sign-in and the signed-in user's own account: password, MFA and sessions. */
export interface AuthMethods {
  /** `GET /setup`: `setupRequired` is true while no admin exists (the server answers 404 once one does). */
  getSetupStatus(): Promise<{ setupRequired: boolean }>;
  /** `POST /setup`: creates the first admin with the console's one-time token and signs in as them. */
  setup(request: SetupRequest): Promise<Me>;
  /**
   * `POST /auth/login`: signs in and keeps the answer's CSRF token. Rejects with problem type `mfa-required` when
   * the account has TOTP and neither `totp` nor `recoveryCode` was sent; `invalid-credentials` otherwise.
   */
  login(request: LoginRequest): Promise<Me>;
  /** `POST /auth/logout`: ends the current session and forgets the CSRF token. */
  logout(): Promise<void>;
  /** `GET /me`: who is asking; keeps the answer's CSRF token. Rejects with status 401 when not signed in. */
  getMe(): Promise<Me>;
  /**
   * `GET /auth/session`: who is signed in (null when nobody is) and whether setup is still open. Never answers 401,
   * so a signed-out browser logs no failed request; refreshes the CSRF token like `getMe`.
   */
  getSession(): Promise<SessionState>;
  /**
   * `PUT /me/password`: changes the own password. Revokes every session, this one too (sign in again after), and
   * the API tokens unless `keepTokens` is set; answers how many of each it revoked.
   */
  changePassword(request: ChangePasswordRequest): Promise<PasswordChanged>;
  /**
   * `POST /me/mfa/totp`: starts TOTP enrolment after re-checking the password; the secret is not active until
   * `confirmTotpEnrolment`. Like every change to the password, the second factor or sessions, it needs a browser
   * session: with an API token it rejects with problem type `session-required`.
   */
  startTotpEnrolment(password: string): Promise<TotpEnrolment>;
  /** `POST /me/mfa/totp/confirm`: activates TOTP and answers the recovery codes, shown only this once. */
  confirmTotpEnrolment(code: string): Promise<RecoveryCodes>;
  /** `DELETE /me/mfa/totp`: turns TOTP off after re-checking the password; revokes the user's other sessions. */
  disableTotp(password: string): Promise<void>;
  /** `GET /me/sessions`: the signed-in user's active sessions, the current one marked `current`. */
  listSessions(query?: PageQuery): Promise<PageOf<Session>>;
  /** `DELETE /me/sessions/{id}`: revokes one of the own sessions after re-checking the password. */
  revokeSession(id: string, password: string): Promise<void>;
}

/** Builds the auth methods over a transport; Me answers refresh the transport's CSRF token. */
export function createAuthMethods(transport: Transport): AuthMethods {
  const remember = (me: Me): Me => {
    transport.csrfToken = me.csrfToken;
    return me;
  };
  return {
    async getSetupStatus() {
      try {
        await transport.call(routes.getSetupStatus);
        return { setupRequired: true };
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return { setupRequired: false };
        throw error;
      }
    },
    async setup(request) {
      return remember((await transport.call(routes.setup, { body: request })).body);
    },
    async login(request) {
      return remember((await transport.call(routes.login, { body: request })).body);
    },
    async logout() {
      try {
        await transport.call(routes.logout);
      } finally {
        transport.csrfToken = null;
      }
    },
    async getMe() {
      return remember((await transport.call(routes.getMe)).body);
    },
    async getSession() {
      const state = (await transport.call(routes.getSession)).body;
      if (state.me) remember(state.me);
      return state;
    },
    async changePassword(request) {
      const answer = await transport.call(routes.changePassword, { body: request });
      transport.csrfToken = null;
      return answer.body;
    },
    async startTotpEnrolment(password) {
      return (await transport.call(routes.startTotpEnrolment, { body: { password } })).body;
    },
    async confirmTotpEnrolment(code) {
      return (await transport.call(routes.confirmTotpEnrolment, { body: { code } })).body;
    },
    async disableTotp(password) {
      await transport.call(routes.disableTotp, { body: { password } });
    },
    async listSessions(query = {}) {
      return (await transport.call(routes.listSessions, { query })).body;
    },
    async revokeSession(id, password) {
      await transport.call(routes.revokeSession, { params: { id }, body: { password } });
    },
  };
}
