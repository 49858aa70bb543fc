import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from './harness';

for (const engine of testEngines()) {
  describe(`harness on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeAll(async () => {
      t = await createTestEstate(engine);
    });
    afterAll(() => t.close());
    it('sets up an admin who can read /me', async () => {
      const admin = await t.setupAdmin();
      const res = await admin.request('GET', '/api/v1/me');
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('admin');
    });
  });
}
