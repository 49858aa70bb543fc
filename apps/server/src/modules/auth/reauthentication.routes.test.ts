import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';
import { currentStep, totpAt } from './totp';

const NEW_PASSWORD = 'a different strong passphrase 7';

for (const engine of testEngines()) {
  describe(`re-authentication for account-takeover changes on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeEach(async () => {
      t = await createTestEstate(engine);
    });
    afterEach(() => t.close());

    it('refuses an API token the password, second factor and sessions of its owner, and audits each refusal', async () => {
      const admin = await t.setupAdmin();
      const other = t.anonymous();
      await other.login('admin@example.org', STRONG_PASSWORD);
      const sessions = (await admin.request('GET', '/api/v1/me/sessions')).json().items as Array<{ id: string; current: boolean }>;
      const otherSession = sessions.find((s) => !s.current)!.id;
      const { token } = (await admin.request('POST', '/api/v1/tokens', { name: 'self only', scopes: ['self'] })).json();
      const bearer = { authorization: `Bearer ${token}` };
      const api = t.anonymous();
      const attempts: Array<[string, string, unknown]> = [
        ['POST', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD }],
        ['POST', '/api/v1/me/mfa/totp/confirm', { code: '123456' }],
        ['DELETE', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD }],
        ['PUT', '/api/v1/me/password', { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD }],
        ['GET', '/api/v1/me/sessions', undefined],
        ['DELETE', `/api/v1/me/sessions/${otherSession}`, { password: STRONG_PASSWORD }],
      ];
      for (const [method, url, body] of attempts) {
        const res = await api.request(method, url, body, bearer);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().type).toBe('urn:estate:problem:session-required');
      }
      const user = await t.estate.database.db.selectFrom('users').select(['mfa_secret', 'mfa_enabled_at']).executeTakeFirstOrThrow();
      expect(user).toEqual({ mfa_secret: null, mfa_enabled_at: null });
      expect((await other.request('GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await t.anonymous().login('admin@example.org', STRONG_PASSWORD)).statusCode).toBe(200);
      const denied = await t.estate.audit.list({ action: 'authz.denied' });
      expect(denied.items).toHaveLength(attempts.length);
      expect(denied.items.every((e) => e.actorType === 'token' && (e.after as { reason: string }).reason === 'session-required')).toBe(
        true,
      );
      expect(denied.items.map((e) => e.targetId)).toContain('DELETE /api/v1/me/sessions/:id');
    });

    it('asks a session for the current password to start enrolment and to revoke a session', async () => {
      const admin = await t.setupAdmin();
      const noPassword = await admin.request('POST', '/api/v1/me/mfa/totp', {});
      expect(noPassword.statusCode).toBe(400);
      const wrong = await admin.request('POST', '/api/v1/me/mfa/totp', { password: 'not my password at all' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().type).toBe('urn:estate:problem:invalid-credentials');
      expect((await t.estate.database.db.selectFrom('users').select('mfa_secret').executeTakeFirstOrThrow()).mfa_secret).toBeNull();
      const enrol = await admin.request('POST', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD });
      expect(enrol.statusCode).toBe(200);
      const confirm = await admin.request('POST', '/api/v1/me/mfa/totp/confirm', { code: totpAt(enrol.json().secret, currentStep()) });
      expect(confirm.statusCode).toBe(200);

      const other = t.anonymous();
      await other.login('admin@example.org', STRONG_PASSWORD, { totp: totpAt(enrol.json().secret, currentStep() + 1) });
      const sessions = (await admin.request('GET', '/api/v1/me/sessions')).json().items as Array<{ id: string; current: boolean }>;
      const target = sessions.find((s) => !s.current)!.id;
      expect((await admin.request('DELETE', `/api/v1/me/sessions/${target}`)).statusCode).toBe(400);
      const refused = await admin.request('DELETE', `/api/v1/me/sessions/${target}`, { password: 'not my password at all' });
      expect(refused.statusCode).toBe(403);
      expect((await other.request('GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await admin.request('DELETE', `/api/v1/me/sessions/${target}`, { password: STRONG_PASSWORD })).statusCode).toBe(204);
      expect((await other.request('GET', '/api/v1/me')).statusCode).toBe(401);

      const failures = await t.estate.audit.list({ outcome: 'failure' });
      expect(failures.items.map((e) => e.action).sort()).toEqual(['session.revoke', 'user.mfa.enrolment.start']);
    });
  });
}
