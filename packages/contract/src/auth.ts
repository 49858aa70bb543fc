import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/** The four built-in roles. Permissions per role live in the server's policy layer. */
export const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer'), Type.Literal('auditor')]);
export type Role = Static<typeof Role>;
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer', 'auditor'];

import { PERMISSIONS, type Permission } from './permissions';

export { PERMISSIONS, type Permission };
export const PermissionSchema = Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] });

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Passwords: length is checked here, strength (common-password list) by the server. */
export const Password = Type.String({ minLength: 12, maxLength: 256 });
export const TotpCode = Type.String({ pattern: '^[0-9]{6}$' });
export const RecoveryCode = Type.String({ pattern: '^[a-z0-9]{5}-[a-z0-9]{5}$' });

export const User = Type.Object({
  id: Id,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  mfaEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  lastLoginAt: Type.Union([EpochMs, Type.Null()]),
});
export type User = Static<typeof User>;

export const SetupStatus = Type.Object({ setupRequired: Type.Literal(true) });
export const SetupRequest = Type.Object(
  {
    token: Type.String({ minLength: 8, maxLength: 200, description: 'The one-time setup token printed on the console' }),
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    password: Password,
  },
  { additionalProperties: false },
);
export type SetupRequest = Static<typeof SetupRequest>;

export const LoginRequest = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.Optional(TotpCode),
    recoveryCode: Type.Optional(RecoveryCode),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

/** Who is asking: the answer of `GET /api/v1/me`, and of login and setup. */
export const Me = Type.Object({
  user: User,
  permissions: Type.Array(PermissionSchema),
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send as X-CSRF-Token on unsafe requests made with the session cookie',
  }),
  mfaRequired: Type.Boolean({
    description: 'The admin-MFA policy (ESTATE_REQUIRE_ADMIN_MFA) applies to this user, whatever the credential used',
  }),
  mfaEnrolmentRequired: Type.Boolean({
    description: 'MFA is required and not yet enrolled: until it is, every other request of this user is refused',
  }),
});
export type Me = Static<typeof Me>;

/**
 * The session probe's answer (`GET /api/v1/auth/session`): who is signed in, if anyone, and whether first-run setup
 * is still open. It always answers 200, so a browser asking "am I signed in?" logs no failed request.
 */
export const SessionState = Type.Object({
  me: Type.Union([Me, Type.Null()], { description: 'The signed-in user, as GET /api/v1/me answers; null when nobody is' }),
  setupRequired: Type.Boolean({ description: 'True until the first admin exists (the setup page is open)' }),
});
export type SessionState = Static<typeof SessionState>;

/** Whether a password change leaves the user's API tokens working; by default it revokes them with the sessions. */
const KeepTokens = Type.Optional(
  Type.Boolean({ description: 'Keep the API tokens working; by default a password change revokes them with the sessions' }),
);

export const ChangePasswordRequest = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password, keepTokens: KeepTokens },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

/** The answer of a password change or reset: how many sessions and API tokens of the user it revoked. */
export const PasswordChanged = Type.Object({
  sessionsRevoked: Type.Integer({ minimum: 0 }),
  tokensRevoked: Type.Integer({ minimum: 0 }),
});
export type PasswordChanged = Static<typeof PasswordChanged>;

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'Base32 secret, for manual entry' }),
  otpauthUrl: Type.String(),
  qrSvg: Type.String({ description: 'SVG markup of the otpauth URL as a QR code' }),
});
export type TotpEnrolment = Static<typeof TotpEnrolment>;
/** The account's current password, re-entered to confirm a change that could take the account over. */
const CurrentPassword = Type.String({ minLength: 1, maxLength: 256, description: 'Your current password' });
/** Starting TOTP enrolment: only a browser session with the current password may add a second factor. */
export const TotpEnrolmentRequest = Type.Object({ password: CurrentPassword }, { additionalProperties: false });
export type TotpEnrolmentRequest = Static<typeof TotpEnrolmentRequest>;
export const TotpConfirmRequest = Type.Object({ code: TotpCode }, { additionalProperties: false });
export const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof RecoveryCodes>;
export const TotpDisableRequest = Type.Object({ password: CurrentPassword }, { additionalProperties: false });
/** Revoking one of one's sessions: only a browser session with the current password may do it. */
export const RevokeSessionRequest = Type.Object({ password: CurrentPassword }, { additionalProperties: false });
export type RevokeSessionRequest = Static<typeof RevokeSessionRequest>;

export const Session = Type.Object({
  id: Id,
  current: Type.Boolean(),
  createdAt: EpochMs,
  lastSeenAt: EpochMs,
  expiresAt: EpochMs,
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});
export type Session = Static<typeof Session>;

export const CreateUserRequest = Type.Object(
  { email: Email, name: Type.String({ minLength: 1, maxLength: 200 }), role: Role, password: Password },
  { additionalProperties: false },
);
export type CreateUserRequest = Static<typeof CreateUserRequest>;
export const UpdateUserRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;
export const SetPasswordRequest = Type.Object({ newPassword: Password, keepTokens: KeepTokens }, { additionalProperties: false });
export type SetPasswordRequest = Static<typeof SetPasswordRequest>;
export const UserListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    role: Type.Optional(Role),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Substring of email or name' })),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const ApiToken = Type.Object({
  id: Id,
  userId: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to recognise it' }),
  scopes: Type.Array(PermissionSchema),
  createdAt: EpochMs,
  expiresAt: EpochMs,
  lastUsedAt: Type.Union([EpochMs, Type.Null()]),
  revokedAt: Type.Union([EpochMs, Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;
export const CreateTokenRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(PermissionSchema, { minItems: 1, uniqueItems: true }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 90 })),
  },
  { additionalProperties: false },
);
export type CreateTokenRequest = Static<typeof CreateTokenRequest>;
/** The only answer that ever contains the secret token. */
export const CreatedToken = Type.Object({ token: Type.String(), apiToken: ApiToken });
export type CreatedToken = Static<typeof CreatedToken>;
export const TokenListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    userId: Type.Optional(Id),
    includeRevoked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TokenListQuery = Static<typeof TokenListQuery>;
