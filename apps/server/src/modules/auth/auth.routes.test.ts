import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEstate, STRONG_PASSWORD, type TestEstate, testEngines } from '../../../test/harness';
import { currentStep, totpAt } from './totp';

for (const engine of testEngines()) {
  describe(`auth on ${engine.dialect}`, () => {
    let t: TestEstate;
    beforeEach(async () => {
      t = await createTestEstate(engine);
    });
    afterEach(() => t.close());

    describe('setup', () => {
      it('is open before the first admin and gone after it', async () => {
        const anon = t.anonymous();
        expect((await anon.request('GET', '/api/v1/setup')).statusCode).toBe(200);
        const admin = await t.setupAdmin();
        expect(admin.me?.user.role).toBe('admin');
        expect((await anon.request('GET', '/api/v1/setup')).statusCode).toBe(404);
        const token = await t.estate.auth.auth.issueSetupToken();
        expect(token).toBeNull();
        const again = await anon.request('POST', '/api/v1/setup', {
          token: 'whatever-token',
          email: 'evil@example.org',
          name: 'Evil',
          password: STRONG_PASSWORD,
        });
        expect(again.statusCode).toBe(404);
        expect(await t.estate.database.db.selectFrom('users').select('email').execute()).toEqual([{ email: 'admin@example.org' }]);
      });

      it('refuses a wrong token and writes nothing', async () => {
        await t.estate.auth.auth.issueSetupToken();
        const res = await t
          .anonymous()
          .request('POST', '/api/v1/setup', { token: 'not-the-token', email: 'a@example.org', name: 'A', password: STRONG_PASSWORD });
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(await t.estate.database.db.selectFrom('users').selectAll().execute()).toHaveLength(0);
      });

      it('refuses a common password with a per-field error', async () => {
        const token = await t.estate.auth.auth.issueSetupToken();
        const res = await t
          .anonymous()
          .request('POST', '/api/v1/setup', { token, email: 'a@example.org', name: 'A', password: 'password1234' });
        expect(res.statusCode).toBe(400);
        expect(res.json().type).toBe('urn:estate:problem:weak-password');
      });
    });

    describe('login', () => {
      it('answers unknown accounts and wrong passwords identically', async () => {
        await t.setupAdmin();
        const a = await t.anonymous().login('nobody@example.org', 'wrong password here');
        const b = await t.anonymous().login('admin@example.org', 'wrong password here');
        expect(a.statusCode).toBe(401);
        expect(b.statusCode).toBe(401);
        const strip = (r: typeof a) => ({ ...r.json(), requestId: undefined });
        expect(strip(a)).toEqual(strip(b));
        const failures = await t.estate.audit.list({ action: 'auth.login.failed' });
        expect(failures.items).toHaveLength(2);
      });

      it('rotates the session id at each login and sets a hardened cookie', async () => {
        await t.setupAdmin();
        const agent = t.anonymous();
        const first = await agent.login('admin@example.org', STRONG_PASSWORD);
        const firstCookie = agent.cookie;
        const second = await agent.login('admin@example.org', STRONG_PASSWORD);
        expect(agent.cookie).not.toBe(firstCookie);
        const cookie = second.cookies.find((c) => c.name === 'estate_session');
        expect(cookie?.httpOnly).toBe(true);
        expect(cookie?.sameSite).toBe('Strict');
        expect((cookie?.value ?? '').length).toBeGreaterThanOrEqual(43);
        expect(first.statusCode).toBe(200);
      });

      it('answers 429 with Retry-After while throttled, yet signs in a browser that signed in before', async () => {
        await t.setupAdmin();
        const owner = await t.anonymous().login('admin@example.org', STRONG_PASSWORD);
        const device = owner.cookies.find((c) => c.name === 'estate_device');
        expect(device).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
        const attacker = t.anonymous();
        for (let i = 0; i < 6; i++) await attacker.login('admin@example.org', 'wrong password here');
        const held = await t.estate.database.db.selectFrom('login_throttle').selectAll().where('key', 'like', 'pair:%').execute();
        expect(held).toMatchObject([{ key: 'pair:admin@example.org|127.0.0.1', failures: 6 }]);
        // As if the guessing had gone on for a while: everyone at this address must wait ten minutes.
        await t.estate.database.db
          .updateTable('login_throttle')
          .set({ locked_until: Date.now() + 600_000 })
          .execute();
        const locked = await attacker.login('admin@example.org', STRONG_PASSWORD);
        expect(locked.statusCode).toBe(429);
        expect(locked.headers['content-type']).toContain('application/problem+json');
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);
        expect((await t.anonymous().login('ghost@example.org', 'wrong password here')).statusCode).toBe(429);
        // Enough to spend the sign-in route's per-address request budget too; the trusted browser has its own.
        for (let i = 0; i < 30; i++) await attacker.login('admin@example.org', 'wrong password here');
        const trusted = t.anonymous();
        const back = await trusted.request(
          'POST',
          '/api/v1/auth/login',
          { email: 'admin@example.org', password: STRONG_PASSWORD },
          { cookie: `estate_device=${device!.value}` },
        );
        expect(back.statusCode).toBe(200);
        const throttled = await t.estate.audit.list({ action: 'auth.login.throttled' });
        expect(throttled.items.length).toBeGreaterThanOrEqual(2);
      });

      it('rejects a disabled user like a wrong password', async () => {
        const admin = await t.setupAdmin();
        const op = await t.userWithRole('operator', 'op@example.org');
        const user = await admin.request('GET', `/api/v1/users/${op.me!.user.id}`);
        const patched = await admin.request(
          'PATCH',
          `/api/v1/users/${op.me!.user.id}`,
          { disabled: true },
          { 'if-match': user.headers.etag as string },
        );
        expect(patched.statusCode).toBe(200);
        expect((await op.request('GET', '/api/v1/me')).statusCode).toBe(401);
        expect((await t.anonymous().login('op@example.org', STRONG_PASSWORD)).statusCode).toBe(401);
      });
    });

    describe('sessions and CSRF', () => {
      it('requires the CSRF token for unsafe cookie requests and rejects foreign origins', async () => {
        const admin = await t.setupAdmin();
        const noCsrf = await admin.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] }, { 'x-csrf-token': 'wrong' });
        expect(noCsrf.statusCode).toBe(403);
        expect(noCsrf.json().type).toBe('urn:estate:problem:csrf');
        const token = admin.me!.csrfToken!;
        const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
        for (const near of [flipped, token.slice(0, -1), `${token}A`, '']) {
          const res = await admin.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] }, { 'x-csrf-token': near });
          expect(res.statusCode, near).toBe(403);
        }
        const foreign = await admin.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] }, { origin: 'https://evil.example' });
        expect(foreign.statusCode).toBe(403);
        const ok = await admin.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] });
        expect(ok.statusCode).toBe(201);
      });

      it('keeps no usable CSRF token in the sessions table, and answers the same one for the session each time', async () => {
        const admin = await t.setupAdmin();
        const csrf = admin.me!.csrfToken!;
        const rows = await t.estate.database.db.selectFrom('sessions').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(JSON.stringify(rows)).not.toContain(csrf);
        expect((await admin.request('GET', '/api/v1/me')).json().csrfToken).toBe(csrf);
        const other = t.anonymous();
        await other.login('admin@example.org', STRONG_PASSWORD);
        expect(other.me!.csrfToken).not.toBe(csrf);
        const crossed = await other.request('POST', '/api/v1/tokens', { name: 'x', scopes: ['self'] }, { 'x-csrf-token': csrf });
        expect(crossed.statusCode).toBe(403);
      });

      it('revokes every session on password change', async () => {
        const admin = await t.setupAdmin();
        const other = t.anonymous();
        await other.login('admin@example.org', STRONG_PASSWORD);
        const newPassword = 'a different strong passphrase 7';
        const res = await admin.request('PUT', '/api/v1/me/password', { currentPassword: STRONG_PASSWORD, newPassword });
        expect(res.statusCode).toBe(200);
        expect((await admin.request('GET', '/api/v1/me')).statusCode).toBe(401);
        expect((await other.request('GET', '/api/v1/me')).statusCode).toBe(401);
        expect((await t.anonymous().login('admin@example.org', newPassword)).statusCode).toBe(200);
      });

      it('lists and revokes one of my sessions', async () => {
        const admin = await t.setupAdmin();
        const other = t.anonymous();
        await other.login('admin@example.org', STRONG_PASSWORD);
        const list = (await admin.request('GET', '/api/v1/me/sessions')).json();
        expect(list.items).toHaveLength(2);
        const notCurrent = list.items.find((s: { current: boolean }) => !s.current);
        expect((await admin.request('DELETE', `/api/v1/me/sessions/${notCurrent.id}`, { password: STRONG_PASSWORD })).statusCode).toBe(204);
        expect((await other.request('GET', '/api/v1/me')).statusCode).toBe(401);
        expect((await admin.request('GET', '/api/v1/me')).statusCode).toBe(200);
      });

      it('revokes sessions when an admin changes a role', async () => {
        const admin = await t.setupAdmin();
        const viewer = await t.userWithRole('viewer');
        const read = await admin.request('GET', `/api/v1/users/${viewer.me!.user.id}`);
        await admin.request(
          'PATCH',
          `/api/v1/users/${viewer.me!.user.id}`,
          { role: 'auditor' },
          { 'if-match': read.headers.etag as string },
        );
        expect((await viewer.request('GET', '/api/v1/me')).statusCode).toBe(401);
      });
    });

    describe('TOTP', () => {
      it('enrols, then requires a code at login, rejects replays, and accepts a recovery code once', async () => {
        const admin = await t.setupAdmin();
        const enrol = (await admin.request('POST', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD })).json();
        expect(enrol.otpauthUrl).toContain('otpauth://totp/');
        expect(enrol.qrSvg).toContain('<svg');
        const stored = await t.estate.database.db.selectFrom('users').select('mfa_secret').executeTakeFirst();
        expect(stored?.mfa_secret).not.toContain(enrol.secret);
        const step = currentStep();
        const confirm = await admin.request('POST', '/api/v1/me/mfa/totp/confirm', { code: totpAt(enrol.secret, step) });
        expect(confirm.statusCode).toBe(200);
        const { recoveryCodes } = confirm.json();
        expect(recoveryCodes).toHaveLength(10);

        const agent = t.anonymous();
        const needCode = await agent.login('admin@example.org', STRONG_PASSWORD);
        expect(needCode.statusCode).toBe(401);
        expect(needCode.json().type).toBe('urn:estate:problem:mfa-required');
        // The code used to confirm enrolment cannot be replayed.
        expect((await agent.login('admin@example.org', STRONG_PASSWORD, { totp: totpAt(enrol.secret, step) })).statusCode).toBe(401);
        expect((await agent.login('admin@example.org', STRONG_PASSWORD, { totp: totpAt(enrol.secret, step + 1) })).statusCode).toBe(200);

        const withRecovery = await t.anonymous().login('admin@example.org', STRONG_PASSWORD, { recoveryCode: recoveryCodes[0] });
        expect(withRecovery.statusCode).toBe(200);
        expect((await t.anonymous().login('admin@example.org', STRONG_PASSWORD, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(401);
      });

      it('holds admins to enrolment when the policy requires it', async () => {
        await t.close();
        t = await createTestEstate(engine, { requireAdminMfa: true });
        const admin = await t.setupAdmin();
        expect(admin.me?.mfaEnrolmentRequired).toBe(true);
        const blocked = await admin.request('GET', '/api/v1/users');
        expect(blocked.statusCode).toBe(403);
        expect(blocked.json().type).toBe('urn:estate:problem:mfa-enrolment-required');
        const enrol = (await admin.request('POST', '/api/v1/me/mfa/totp', { password: STRONG_PASSWORD })).json();
        await admin.request('POST', '/api/v1/me/mfa/totp/confirm', { code: totpAt(enrol.secret, currentStep()) });
        expect((await admin.request('GET', '/api/v1/users')).statusCode).toBe(200);
      });
    });

    describe('API tokens', () => {
      it('authenticates with a token, narrowed to its scopes, until revoked', async () => {
        const admin = await t.setupAdmin();
        const created = await admin.request('POST', '/api/v1/tokens', { name: 'reader', scopes: ['users:read'] });
        expect(created.statusCode).toBe(201);
        const { token, apiToken } = created.json();
        expect(token).toMatch(/^estate_/);
        expect(JSON.stringify(await t.estate.database.db.selectFrom('api_tokens').selectAll().execute())).not.toContain(token);
        const bearer = { authorization: `Bearer ${token}` };
        const anon = t.anonymous();
        expect((await anon.request('GET', '/api/v1/users', undefined, bearer)).statusCode).toBe(200);
        expect(
          (
            await anon.request(
              'POST',
              '/api/v1/users',
              { email: 'x@example.org', name: 'x', role: 'viewer', password: STRONG_PASSWORD },
              bearer,
            )
          ).statusCode,
        ).toBe(403);
        const listed = (await admin.request('GET', '/api/v1/tokens')).json();
        expect(listed.items[0].lastUsedAt).not.toBeNull();
        expect((await admin.request('DELETE', `/api/v1/tokens/${apiToken.id}`)).statusCode).toBe(204);
        expect((await anon.request('GET', '/api/v1/users', undefined, bearer)).statusCode).toBe(401);
      });

      it('never lets a token mint a token with wider scopes, nor a user exceed their role', async () => {
        const admin = await t.setupAdmin();
        const { token } = (await admin.request('POST', '/api/v1/tokens', { name: 'narrow', scopes: ['self'] })).json();
        const wider = await t
          .anonymous()
          .request('POST', '/api/v1/tokens', { name: 'wide', scopes: ['self', 'users:write'] }, { authorization: `Bearer ${token}` });
        expect(wider.statusCode).toBe(403);
        const viewer = await t.userWithRole('viewer');
        const tooMuch = await viewer.request('POST', '/api/v1/tokens', { name: 'w', scopes: ['users:write'] });
        expect(tooMuch.statusCode).toBe(400);
      });
    });

    describe('users', () => {
      it('needs If-Match and refuses a stale ETag', async () => {
        const admin = await t.setupAdmin();
        const created = await admin.request('POST', '/api/v1/users', {
          email: 'v@example.org',
          name: 'V',
          role: 'viewer',
          password: STRONG_PASSWORD,
        });
        expect(created.statusCode).toBe(201);
        const id = created.json().id;
        const etag = created.headers.etag as string;
        expect((await admin.request('PATCH', `/api/v1/users/${id}`, { name: 'V2' })).statusCode).toBe(428);
        expect((await admin.request('PATCH', `/api/v1/users/${id}`, { name: 'V2' }, { 'if-match': etag })).statusCode).toBe(200);
        const stale = await admin.request('PATCH', `/api/v1/users/${id}`, { name: 'V3' }, { 'if-match': etag });
        expect(stale.statusCode).toBe(412);
        expect((await admin.request('GET', `/api/v1/users/${id}`)).json().name).toBe('V2');
        const audit = await t.estate.audit.list({ targetId: id });
        expect(audit.items.map((e) => e.action)).toEqual(['user.update', 'user.create']);
        expect(audit.items[0]?.before).toMatchObject({ name: 'V' });
        expect(audit.items[0]?.after).toMatchObject({ name: 'V2' });
        expect(JSON.stringify(audit.items)).not.toContain('password');
      });

      it('refuses duplicate emails and protects the last admin', async () => {
        const admin = await t.setupAdmin();
        const dup = await admin.request('POST', '/api/v1/users', {
          email: 'ADMIN@example.org',
          name: 'A',
          role: 'viewer',
          password: STRONG_PASSWORD,
        });
        expect(dup.statusCode).toBe(409);
        const me = await admin.request('GET', `/api/v1/users/${admin.me!.user.id}`);
        const demote = await admin.request(
          'PATCH',
          `/api/v1/users/${admin.me!.user.id}`,
          { role: 'viewer' },
          { 'if-match': me.headers.etag as string },
        );
        expect(demote.statusCode).toBe(409);
      });

      it('searches names literally, including % and _', async () => {
        const admin = await t.setupAdmin();
        const ctx = { actor: { type: 'system' as const, id: null, label: null }, requestId: null, sourceIp: null };
        await t.estate.auth.users.create({ email: 'promo@example.org', name: '50% off_x', role: 'viewer', password: STRONG_PASSWORD }, ctx);
        await t.estate.auth.users.create({ email: 'plain@example.org', name: '50 offax', role: 'viewer', password: STRONG_PASSWORD }, ctx);
        const names = async (q: string) =>
          (await admin.request('GET', `/api/v1/users?q=${encodeURIComponent(q)}`)).json().items.map((u: { name: string }) => u.name);
        expect(await names('50%')).toEqual(['50% off_x']);
        expect(await names('off_x')).toEqual(['50% off_x']);
        expect((await names('50')).sort()).toEqual(['50 offax', '50% off_x']);
      });

      it('pages with keyset cursors and no duplicates', async () => {
        const admin = await t.setupAdmin();
        for (let i = 0; i < 7; i++)
          await t.estate.auth.users.create(
            { email: `u${i}@example.org`, name: `U${i}`, role: 'viewer', password: STRONG_PASSWORD },
            { actor: { type: 'system', id: null, label: null }, requestId: null, sourceIp: null },
          );
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await admin.request('GET', `/api/v1/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
          const page = res.json();
          seen.push(...page.items.map((u: { id: string }) => u.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toHaveLength(8);
        expect(new Set(seen).size).toBe(8);
        expect((await admin.request('GET', '/api/v1/users?cursor=garbage')).statusCode).toBe(400);
      });
    });
  });
}
