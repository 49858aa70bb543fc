import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD } from '../../../test/harness';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import { HttpProblem } from '../../platform/http/problem';
import { authModuleFor, type TestClock, testClock, testContext } from './auth.fixtures';
import type { AuthModule } from './index';

const NEW_PASSWORD = 'a different strong passphrase 7';

/** The status a call ends with: 200, or its problem's. */
const statusOf = (call: Promise<unknown>) =>
  call.then(
    () => 200,
    (error: unknown) => {
      if (error instanceof HttpProblem) return error.status;
      throw error;
    },
  );

for (const engine of testEngines()) {
  describe(`re-authentication on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let clock: TestClock;
    let auth: AuthModule;
    beforeEach(async () => {
      database = await engine.create();
      clock = testClock();
      auth = authModuleFor(database, clock);
      await auth.users.createAdminFromCli('admin@example.org', 'Admin', STRONG_PASSWORD);
    });
    afterEach(() => database.cleanup());

    const signIn = async (ip = '192.0.2.10') => {
      const { token } = await auth.auth.login({ email: 'admin@example.org', password: STRONG_PASSWORD }, testContext(ip), {
        ip,
        userAgent: undefined,
      });
      return (await auth.auth.authenticate({ sessionToken: token, bearerToken: undefined, ip }))!;
    };

    it("throttles wrong passwords per session, leaving the account's sign-in alone", async () => {
      const principal = await signIn();
      const change = (currentPassword: string) =>
        statusOf(auth.auth.changePassword(principal, { currentPassword, newPassword: NEW_PASSWORD }, testContext()));
      for (let i = 0; i < 6; i++) expect(await change('not the password at all')).toBe(403);
      expect(await change(STRONG_PASSWORD)).toBe(429);
      expect(await statusOf(signIn())).toBe(200);
      clock.advance(1_000);
      expect(await change(STRONG_PASSWORD)).toBe(200);
    });

    it('refuses a caller without a browser session, whatever it sends', async () => {
      const { token } = await auth.tokens.createFromCli('admin@example.org', { name: 'self', scopes: ['self'] });
      const principal = (await auth.auth.authenticate({ sessionToken: undefined, bearerToken: token, ip: '192.0.2.10' }))!;
      const refusal = await auth.mfa.beginEnrolment(principal, STRONG_PASSWORD, testContext()).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ status: 403, type: 'urn:estate:problem:session-required' });
      expect(await statusOf(auth.mfa.confirmEnrolment(principal, '123456', testContext()))).toBe(403);
      expect(await statusOf(auth.auth.listSessions(principal, 10))).toBe(403);
    });
  });
}
