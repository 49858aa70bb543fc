import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';

for (const engine of testEngines()) {
  describe(`first-run setup on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeEach(async () => {
      t = await createTestEstate(engine);
    });
    afterEach(() => t.close());

    const attempt = (token: string, i: number) =>
      t.estate.http.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { token, email: `admin${i}@example.org`, name: `Admin ${i}`, password: STRONG_PASSWORD },
        remoteAddress: `10.9.0.${i}`,
      });
    const admins = () => t.database.db.selectFrom('users').select('email').where('role', '=', 'admin').execute();
    const setupTokens = () => t.database.db.selectFrom('system_state').select('key').where('key', 'like', 'setup_token:%').execute();

    it('creates exactly one admin when 10 requests race with the same token', async () => {
      const token = (await t.estate.auth.auth.issueSetupToken())!;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(token, i)));
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(404)]);
      expect(await admins()).toHaveLength(1);
      expect(await setupTokens()).toEqual([]);
      const completed = await t.database.db.selectFrom('audit_events').select('action').where('action', 'like', 'setup.%').execute();
      expect(completed).toEqual([{ action: 'setup.completed' }]);
    });

    it('creates exactly one admin when requests race with the tokens of two processes', async () => {
      const tokens = [(await t.estate.auth.auth.issueSetupToken())!, (await t.estate.auth.auth.issueSetupToken())!];
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(tokens[i % 2]!, i)));
      expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
      expect(answers.every((a) => a.statusCode === 201 || a.statusCode === 404)).toBe(true);
      expect(await admins()).toHaveLength(1);
      expect(await setupTokens()).toEqual([]);
    });

    it('audits a wrong token, and the refusal keeps the real token usable', async () => {
      const token = (await t.estate.auth.auth.issueSetupToken())!;
      const wrong = await attempt('not-the-token', 1);
      expect(wrong.statusCode).toBe(403);
      const refusals = await t.database.db.selectFrom('audit_events').select(['action', 'outcome']).execute();
      expect(refusals).toEqual([{ action: 'setup.failed', outcome: 'denied' }]);
      expect((await attempt(token, 2)).statusCode).toBe(201);
    });

    it('answers 404 once an admin exists, before reading or validating the body', async () => {
      await t.setupAdmin();
      const bodies: Array<{ payload?: string; contentType?: string }> = [
        { payload: '{}', contentType: 'application/json' },
        { payload: '{"token":', contentType: 'application/json' },
        { payload: '{"token":"\\ud800"}', contentType: 'application/json' },
        { payload: '<xml/>', contentType: 'application/xml' },
        { payload: '{}', contentType: 'application/json; charset=utf-16' },
        { payload: 'x'.repeat(2 * 1024 * 1024), contentType: 'application/json' },
        {},
      ];
      for (const { payload, contentType } of bodies) {
        const res = await t.estate.http.inject({
          method: 'POST',
          url: '/api/v1/setup',
          ...(payload !== undefined ? { payload } : {}),
          headers: contentType ? { 'content-type': contentType } : {},
        });
        expect(res.statusCode, `${contentType}: ${res.body}`).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect((await t.anonymous().request('GET', '/api/v1/setup')).statusCode).toBe(404);
    });

    it('closes setup when the first admin is created another way, and deletes its token', async () => {
      const token = (await t.estate.auth.auth.issueSetupToken())!;
      await t.estate.auth.users.createAdminFromCli('cli@example.org', 'CLI admin', STRONG_PASSWORD);
      expect(await setupTokens()).toEqual([]);
      expect((await attempt(token, 1)).statusCode).toBe(404);
      expect(await admins()).toEqual([{ email: 'cli@example.org' }]);
    });

    it('deletes a token left behind once an admin exists, instead of issuing one', async () => {
      await t.estate.auth.auth.issueSetupToken();
      await t.database.db.insertInto('users').values(adminRow()).execute();
      expect(await t.estate.auth.auth.issueSetupToken()).toBeNull();
      expect(await setupTokens()).toEqual([]);
    });
  });
}

function adminRow() {
  const now = Date.now();
  return {
    id: '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b',
    email: 'direct@example.org',
    name: 'Direct',
    role: 'admin',
    password_hash: 'x',
    mfa_secret: null,
    mfa_enabled_at: null,
    mfa_last_step: null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
    last_login_at: null,
    version: 1,
  };
}
