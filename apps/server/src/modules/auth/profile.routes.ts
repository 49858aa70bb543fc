import {
  ChangePasswordRequest,
  Empty,
  PasswordChanged,
  Problem,
  RecoveryCodes,
  TotpConfirmRequest,
  TotpDisableRequest,
  TotpEnrolment,
  TotpEnrolmentRequest,
} from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AuthRouteDeps } from './auth.routes';
import { clearSessionCookie } from './session-cookie';

const self = { permission: 'self', allowDuringMfaEnrolment: true } as const;
const selfSessionOnly = { ...self, sessionOnly: true } as const;

/**
 * The signed-in user's own password and second factor: browser sessions only (API tokens are refused by
 * `sessionOnly`), and each change confirmed with the current password (reauthentication.ts).
 */
export function registerProfileRoutes(app: HttpServer, deps: AuthRouteDeps): void {
  app.put(
    '/api/v1/me/password',
    {
      config: selfSessionOnly,
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'Change my password (signs out everywhere and revokes my API tokens unless keepTokens)',
        body: ChangePasswordRequest,
        response: { 200: PasswordChanged, 400: Problem, 403: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const revoked = await deps.auth.changePassword(request.principal!, request.body, actionContext(request));
      clearSessionCookie(reply);
      return revoked;
    },
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      config: selfSessionOnly,
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'Start TOTP enrolment (a browser session and the current password)',
        body: TotpEnrolmentRequest,
        response: { 200: TotpEnrolment, 403: Problem, 409: Problem, 429: Problem },
      },
    },
    async (request) => deps.mfa.beginEnrolment(request.principal!, request.body.password, actionContext(request)),
  );

  app.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      config: selfSessionOnly,
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'Confirm TOTP enrolment with a code',
        body: TotpConfirmRequest,
        response: { 200: RecoveryCodes, 400: Problem, 403: Problem, 409: Problem },
      },
    },
    async (request) => deps.mfa.confirmEnrolment(request.principal!, request.body.code, actionContext(request)),
  );

  app.delete(
    '/api/v1/me/mfa/totp',
    {
      config: { permission: 'self', sessionOnly: true },
      onRequest: deps.sessionOnly,
      schema: {
        tags: ['profile'],
        summary: 'Turn TOTP off (a browser session and the current password)',
        body: TotpDisableRequest,
        response: { 204: Empty, 403: Problem, 409: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      await deps.mfa.disable(request.principal!, request.body.password, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
