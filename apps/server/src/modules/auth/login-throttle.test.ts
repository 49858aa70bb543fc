import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD } from '../../../test/harness';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import { HttpProblem } from '../../platform/http/problem';
import { authModuleFor, type TestClock, testClock, testContext } from './auth.fixtures';
import type { AuthModule } from './index';
import { LoginThrottle } from './login-throttle';

const WRONG = 'not the password at all';

/** The status of a sign-in (200 or the problem's), and Retry-After when throttled. */
async function attempt(auth: AuthModule, email: string, password: string, ip: string, deviceCookie?: string) {
  try {
    const signedIn = await auth.auth.login({ email, password }, testContext(ip), { ip, userAgent: undefined, deviceCookie });
    return { status: 200, deviceCookie: signedIn.deviceCookie, retryAfter: 0 };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return { status: error.status, deviceCookie: undefined, retryAfter: Number(error.headers?.['retry-after'] ?? 0) };
  }
}

for (const engine of testEngines()) {
  describe(`sign-in throttling on ${engine.dialect}`, () => {
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

    it('makes an account and address pair wait longer after each failure past five, the right password too', async () => {
      const ip = '198.51.100.1';
      for (let i = 0; i < 6; i++) expect((await attempt(auth, 'admin@example.org', WRONG, ip)).status).toBe(401);
      expect(await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip)).toMatchObject({ status: 429, retryAfter: 1 });
      clock.advance(1_000);
      expect((await attempt(auth, 'admin@example.org', WRONG, ip)).status).toBe(401);
      expect(await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip)).toMatchObject({ status: 429, retryAfter: 2 });
      clock.advance(2_000);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip)).status).toBe(200);
      expect((await attempt(auth, 'admin@example.org', WRONG, ip)).status).toBe(401);
    });

    it('holds an unknown account exactly like a real one', async () => {
      const answers = async (email: string, ip: string) => {
        const seen: Array<{ status: number; retryAfter: number }> = [];
        for (let i = 0; i < 8; i++) {
          const { status, retryAfter } = await attempt(auth, email, WRONG, ip);
          seen.push({ status, retryAfter });
        }
        return seen;
      };
      expect(await answers('ghost@example.org', '198.51.100.2')).toEqual(await answers('admin@example.org', '198.51.100.3'));
    });

    it("does not hold the owner back at another address for one address's failures", async () => {
      for (let i = 0; i < 6; i++) await attempt(auth, 'admin@example.org', WRONG, '203.0.113.66');
      expect((await attempt(auth, 'admin@example.org', WRONG, '203.0.113.66')).status).toBe(429);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '198.51.100.1')).status).toBe(200);
    });

    it('lets a browser that signed in before through, whatever others behind its address or elsewhere did', async () => {
      const ip = '192.0.2.1';
      const first = await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip);
      expect(first.deviceCookie).toBeTruthy();
      // Failures from the owner's own address and from others, past the per-pair and the per-account limits.
      let failures = 0;
      for (let i = 0; failures < 22; i++) {
        const from = i % 2 === 0 ? ip : `203.0.113.${i}`;
        const answer = await attempt(auth, 'admin@example.org', WRONG, from);
        if (answer.status === 429) clock.advance(answer.retryAfter * 1000);
        else failures++;
      }
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip)).status).toBe(429);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '198.51.100.9')).status).toBe(429);
      const trusted = await attempt(auth, 'admin@example.org', STRONG_PASSWORD, ip, first.deviceCookie);
      expect(trusted.status).toBe(200);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '198.51.100.9', trusted.deviceCookie)).status).toBe(200);
    });

    it("gives no trust to a forged cookie or to another account's", async () => {
      await auth.users.createAdminFromCli('other@example.org', 'Other', STRONG_PASSWORD);
      const others = (await attempt(auth, 'other@example.org', STRONG_PASSWORD, '192.0.2.1')).deviceCookie!;
      const own = (await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1')).deviceCookie!;
      for (let i = 0; i < 6; i++) await attempt(auth, 'admin@example.org', WRONG, '192.0.2.1');
      const [userId, issued, device, mac] = own.split('.') as [string, string, string, string];
      const forged = [
        `${userId}.${issued}.${device}x.${mac}`,
        `${userId}.${(Number.parseInt(issued, 36) + 1).toString(36)}.${device}.${mac}`,
        `${userId}.${issued}.${device}`,
        others,
        '',
      ];
      for (const cookie of forged) {
        expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1', cookie)).status, cookie).toBe(429);
      }
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1', own)).status).toBe(200);
    });

    it('holds a trusted browser back on its own failures only, and forgets its trust after 180 days', async () => {
      const { deviceCookie } = await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1');
      for (let i = 0; i < 6; i++) await attempt(auth, 'admin@example.org', WRONG, '192.0.2.1', deviceCookie);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1', deviceCookie)).status).toBe(429);
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '198.51.100.1')).status).toBe(200);
      clock.advance(180 * 86_400_000);
      for (let i = 0; i < 6; i++) await attempt(auth, 'admin@example.org', WRONG, '192.0.2.1');
      expect((await attempt(auth, 'admin@example.org', STRONG_PASSWORD, '192.0.2.1', deviceCookie)).status).toBe(429);
    });
  });

  describe(`the login throttle's keys on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it('holds an address spraying many accounts past the loosest limit, but not its trusted browsers nor other addresses', async () => {
      database = await engine.create();
      const clock = testClock();
      const throttle = new LoginThrottle(database.db, clock.now);
      const from = (email: string, ip = '203.0.113.5', trustedDevice: string | null = null) => ({ email, ip, trustedDevice });
      for (let i = 0; i < 100; i++) await throttle.recordFailure(from(`user${i}@example.org`));
      expect(await throttle.retryAfterSeconds(from('fresh@example.org'))).toBe(0);
      await throttle.recordFailure(from('user100@example.org'));
      expect(await throttle.retryAfterSeconds(from('fresh@example.org'))).toBe(1);
      expect(await throttle.retryAfterSeconds(from('fresh@example.org', '198.51.100.1'))).toBe(0);
      expect(await throttle.retryAfterSeconds(from('fresh@example.org', '203.0.113.5', 'device-1'))).toBe(0);
    });

    it('prunes counts whose window is over and that hold nobody back', async () => {
      database = await engine.create();
      const clock = testClock();
      const throttle = new LoginThrottle(database.db, clock.now);
      for (let i = 0; i < 7; i++) await throttle.recordFailure({ email: 'a@example.org', ip: '203.0.113.5', trustedDevice: null });
      expect(await throttle.prune()).toBe(0);
      clock.advance(15 * 60_000);
      expect(await throttle.prune()).toBe(3);
      expect(await database.db.selectFrom('login_throttle').selectAll().execute()).toEqual([]);
    });
  });
}
