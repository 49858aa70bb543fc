import {
  ApiToken,
  ChangePasswordRequest,
  CreatedToken,
  CreateTokenRequest,
  CreateUserRequest,
  LoginRequest,
  Me,
  PasswordChanged,
  RecoveryCodes,
  RevokeSessionRequest,
  Session,
  SessionState,
  SetPasswordRequest,
  SetupRequest,
  SetupStatus,
  TokenListQuery,
  TotpConfirmRequest,
  TotpDisableRequest,
  TotpEnrolment,
  TotpEnrolmentRequest,
  UpdateUserRequest,
  User,
  UserListQuery,
} from './auth';
import { Empty, IdParams, Page, PageQuery } from './common';
import { route } from './route';

/** First-run setup, sign-in, the signed-in user's own account, user administration and API tokens. */
export const AuthRoutes = {
  getSetupStatus: route('GET', '/api/v1/setup', { response: SetupStatus }),
  setup: route('POST', '/api/v1/setup', { body: SetupRequest, status: 201, response: Me }),
  login: route('POST', '/api/v1/auth/login', { body: LoginRequest, response: Me }),
  logout: route('POST', '/api/v1/auth/logout', { status: 204, response: Empty }),
  getSession: route('GET', '/api/v1/auth/session', { response: SessionState }),
  getMe: route('GET', '/api/v1/me', { response: Me }),
  changePassword: route('PUT', '/api/v1/me/password', { body: ChangePasswordRequest, response: PasswordChanged }),
  startTotpEnrolment: route('POST', '/api/v1/me/mfa/totp', { body: TotpEnrolmentRequest, response: TotpEnrolment }),
  confirmTotpEnrolment: route('POST', '/api/v1/me/mfa/totp/confirm', { body: TotpConfirmRequest, response: RecoveryCodes }),
  disableTotp: route('DELETE', '/api/v1/me/mfa/totp', { body: TotpDisableRequest, status: 204, response: Empty }),
  listSessions: route('GET', '/api/v1/me/sessions', { query: PageQuery, response: Page(Session) }),
  revokeSession: route('DELETE', '/api/v1/me/sessions/{id}', {
    params: IdParams,
    body: RevokeSessionRequest,
    status: 204,
    response: Empty,
  }),

  listUsers: route('GET', '/api/v1/users', { query: UserListQuery, response: Page(User) }),
  createUser: route('POST', '/api/v1/users', { body: CreateUserRequest, status: 201, response: User }),
  getUser: route('GET', '/api/v1/users/{id}', { params: IdParams, response: User }),
  updateUser: route('PATCH', '/api/v1/users/{id}', { params: IdParams, body: UpdateUserRequest, response: User }),
  setUserPassword: route('PUT', '/api/v1/users/{id}/password', {
    params: IdParams,
    body: SetPasswordRequest,
    response: PasswordChanged,
  }),

  listTokens: route('GET', '/api/v1/tokens', { query: TokenListQuery, response: Page(ApiToken) }),
  createToken: route('POST', '/api/v1/tokens', { body: CreateTokenRequest, status: 201, response: CreatedToken }),
  revokeToken: route('DELETE', '/api/v1/tokens/{id}', { params: IdParams, status: 204, response: Empty }),
} as const;
