import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from './harness';

for (const engine of testEngines()) {
  describe(`harness on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeAll(async () => {
      t = await createTestEstate(engine);
    });
    afterAll(() => t.close());
    it('sends security headers and a request id on every answer, errors included', async () => {
      for (const url of ['/healthz', '/api/v1/me', '/no/such/page']) {
        const res = await t.anonymous().request('GET', url);
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
      }
    });

    it('sets up an admin who can read /me', async () => {
      const admin = await t.setupAdmin();
      const res = await admin.request('GET', '/api/v1/me');
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('admin');
    });
  });
}
