import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';

const NEW_PASSWORD = 'a different strong passphrase 7';

for (const engine of testEngines()) {
  describe(`password changes and API tokens on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeEach(async () => {
      t = await createTestEstate(engine);
    });
    afterEach(() => t.close());

    const tokenOf = async (agent: Agent, name: string) => {
      const created = await agent.request('POST', '/api/v1/tokens', { name, scopes: ['self'] });
      expect(created.statusCode).toBe(201);
      return { authorization: `Bearer ${created.json().token}` };
    };
    const meWith = async (bearer: Record<string, string>) =>
      (await t.anonymous().request('GET', '/api/v1/me', undefined, bearer)).statusCode;

    it('revokes my API tokens with my sessions when I change my password, and says how many', async () => {
      const admin = await t.setupAdmin();
      const first = await tokenOf(admin, 'ci');
      const second = await tokenOf(admin, 'backup script');
      const res = await admin.request('PUT', '/api/v1/me/password', { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ sessionsRevoked: 1, tokensRevoked: 2 });
      expect(await meWith(first)).toBe(401);
      expect(await meWith(second)).toBe(401);
      const audit = await t.estate.audit.list({ action: 'user.password.change' });
      expect(audit.items[0]?.after).toEqual({ sessionsRevoked: 1, tokensRevoked: 2 });
    });

    it('keeps my API tokens when I ask to', async () => {
      const admin = await t.setupAdmin();
      const bearer = await tokenOf(admin, 'ci');
      const res = await admin.request('PUT', '/api/v1/me/password', {
        currentPassword: STRONG_PASSWORD,
        newPassword: NEW_PASSWORD,
        keepTokens: true,
      });
      expect(res.json()).toEqual({ sessionsRevoked: 1, tokensRevoked: 0 });
      expect(await meWith(bearer)).toBe(200);
      expect((await admin.request('GET', '/api/v1/me')).statusCode).toBe(401);
    });

    it("revokes a user's API tokens when an admin resets their password, unless asked not to", async () => {
      const admin = await t.setupAdmin();
      const viewer = await t.userWithRole('viewer', 'viewer@example.org');
      const id = viewer.me!.user.id;
      const kept = await tokenOf(viewer, 'kept');
      const keep = await admin.request('PUT', `/api/v1/users/${id}/password`, { newPassword: NEW_PASSWORD, keepTokens: true });
      expect(keep.json()).toEqual({ sessionsRevoked: 1, tokensRevoked: 0 });
      expect(await meWith(kept)).toBe(200);

      const reset = await admin.request('PUT', `/api/v1/users/${id}/password`, { newPassword: `${NEW_PASSWORD}!` });
      expect(reset.statusCode).toBe(200);
      expect(reset.json()).toEqual({ sessionsRevoked: 0, tokensRevoked: 1 });
      expect(await meWith(kept)).toBe(401);
      const audit = await t.estate.audit.list({ action: 'user.password.set' });
      expect(audit.items.map((e) => e.after)).toEqual([
        { sessionsRevoked: 0, tokensRevoked: 1 },
        { sessionsRevoked: 1, tokensRevoked: 0 },
      ]);
    });
  });
}
