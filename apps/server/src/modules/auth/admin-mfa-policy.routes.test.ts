import { afterEach, describe, expect, it } from 'vitest';
import { createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';
import { HttpProblem } from '../../platform/http/problem';
import { currentStep, totpAt } from './totp';

for (const engine of testEngines()) {
  describe(`ESTATE_REQUIRE_ADMIN_MFA and API tokens on ${engine.dialect}`, () => {
    let t: TestEstate;
    afterEach(() => t.close());

    it('refuses the tokens of an admin without TOTP, and /me says why', async () => {
      t = await createTestEstate(engine, { requireAdminMfa: true });
      const admin = await t.setupAdmin();
      const enrol = (await admin.request('POST', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD })).json();
      const confirmed = await admin.request('POST', '/api/v1/me/mfa/totp/confirm', { code: totpAt(enrol.secret, currentStep()) });
      expect(confirmed.statusCode).toBe(200);
      const created = await admin.request('POST', '/api/v1/tokens', {
        name: 'admin script',
        scopes: ['self', 'users:read', 'users:write'],
      });
      expect(created.statusCode).toBe(201);
      const bearer = { authorization: `Bearer ${created.json().token}` };
      const api = t.anonymous();
      expect((await api.request('GET', '/api/v1/users', undefined, bearer)).statusCode).toBe(200);
      expect((await api.request('GET', '/api/v1/me', undefined, bearer)).json()).toMatchObject({
        mfaRequired: true,
        mfaEnrolmentRequired: false,
      });

      expect((await admin.request('DELETE', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD })).statusCode).toBe(204);
      const list = await api.request('GET', '/api/v1/users', undefined, bearer);
      expect(list.statusCode).toBe(403);
      expect(list.json().type).toBe('urn:estate:problem:mfa-enrolment-required');
      const newAdmin = { email: 'second@example.org', name: 'Second', role: 'admin', password: STRONG_PASSWORD };
      const create = await api.request('POST', '/api/v1/users', newAdmin, bearer);
      expect(create.statusCode).toBe(403);
      expect(create.json().type).toBe('urn:estate:problem:mfa-enrolment-required');
      expect(await t.estate.database.db.selectFrom('users').select('email').execute()).toHaveLength(1);
      expect((await api.request('GET', '/api/v1/me', undefined, bearer)).json()).toMatchObject({
        via: 'token',
        mfaRequired: true,
        mfaEnrolmentRequired: true,
      });
    });

    it('creates no token for an admin without TOTP, even from the CLI', async () => {
      t = await createTestEstate(engine, { requireAdminMfa: true });
      const admin = await t.setupAdmin();
      const refused = await t.estate.auth.tokens
        .createFromCli('admin@example.org', { name: 'cli', scopes: ['users:read'] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).type).toBe('urn:estate:problem:mfa-enrolment-required');
      const viaApi = await admin.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] });
      expect(viaApi.statusCode).toBe(403);
      expect(await t.estate.database.db.selectFrom('api_tokens').selectAll().execute()).toEqual([]);
    });

    it('reports the policy as off for admins when it is off, and never for other roles', async () => {
      t = await createTestEstate(engine, { requireAdminMfa: false });
      const admin = await t.setupAdmin();
      expect(admin.me).toMatchObject({ mfaRequired: false, mfaEnrolmentRequired: false });
      await t.close();
      t = await createTestEstate(engine, { requireAdminMfa: true });
      const viewer = await t.userWithRole('viewer');
      expect(viewer.me).toMatchObject({ mfaRequired: false, mfaEnrolmentRequired: false });
      const token = await t.estate.auth.tokens.createFromCli(viewer.me!.user.email, { name: 'v', scopes: ['self'] });
      const me = await t.anonymous().request('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token.token}` });
      expect(me.json()).toMatchObject({ mfaRequired: false, mfaEnrolmentRequired: false });
    });
  });
}
