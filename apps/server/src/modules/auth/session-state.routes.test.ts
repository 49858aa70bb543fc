import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

for (const engine of testEngines()) {
  describe(`the session probe on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeEach(async () => {
      t = await createTestEstate(engine);
    });
    afterEach(() => t.close());

    it('answers 200 to everyone: setup open and nobody signed in, then the signed-in user, then nobody again', async () => {
      const anon = t.anonymous();
      const first = await anon.request('GET', '/api/v1/auth/session');
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual({ me: null, setupRequired: true });

      const admin = await t.setupAdmin();
      const signedOut = await anon.request('GET', '/api/v1/auth/session');
      expect(signedOut.statusCode).toBe(200);
      expect(signedOut.json()).toEqual({ me: null, setupRequired: false });

      const signedIn = await admin.request('GET', '/api/v1/auth/session');
      expect(signedIn.statusCode).toBe(200);
      const me = await admin.request('GET', '/api/v1/me');
      // The probe's user is exactly what GET /me answers, CSRF token included.
      expect(signedIn.json()).toEqual({ me: me.json(), setupRequired: false });
      expect(signedIn.json().me.csrfToken).toEqual(expect.any(String));

      expect((await admin.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      const ended = await t
        .anonymous()
        .request('GET', '/api/v1/auth/session', undefined, { cookie: admin.cookie ?? 'estate_session=gone' });
      expect(ended.statusCode).toBe(200);
      expect(ended.json().me).toBeNull();
    });

    it('treats a wrong bearer token as nobody instead of refusing', async () => {
      await t.setupAdmin();
      const res = await t.anonymous().request('GET', '/api/v1/auth/session', undefined, { authorization: 'Bearer estate_not-a-token' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ me: null, setupRequired: false });
    });
  });
}
