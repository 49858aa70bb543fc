import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD } from '../../../test/harness';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import { authModuleFor, type TestClock, testClock, testContext } from './auth.fixtures';
import type { AuthModule } from './index';

for (const engine of testEngines()) {
  describe(`session idle timeout on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let clock: TestClock;
    beforeEach(async () => {
      database = await engine.create();
      clock = testClock();
    });
    afterEach(() => database.cleanup());

    const signIn = async (auth: AuthModule) => {
      await auth.users.createAdminFromCli('admin@example.org', 'Admin', STRONG_PASSWORD);
      const session = await auth.auth.login({ email: 'admin@example.org', password: STRONG_PASSWORD }, testContext(), {
        ip: '192.0.2.10',
        userAgent: undefined,
      });
      return () => auth.auth.authenticate({ sessionToken: session.token, bearerToken: undefined, ip: '192.0.2.10' });
    };

    it('keeps a session used every 30 s alive at the one-minute minimum, and ends it a minute after its last use', async () => {
      const auth = authModuleFor(database, clock, { idleMs: 60_000 });
      const authenticate = await signIn(auth);
      for (let i = 0; i < 10; i++) {
        clock.advance(30_000);
        expect(await authenticate(), `request ${i + 1}`).not.toBeNull();
      }
      clock.advance(60_000);
      expect(await authenticate()).toBeNull();
    });

    it('writes the last use at most once a minute when the idle timeout is long', async () => {
      const auth = authModuleFor(database, clock, { idleMs: 60 * 60_000 });
      const authenticate = await signIn(auth);
      const lastSeen = async () =>
        Number((await database.db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at);
      const start = await lastSeen();
      clock.advance(59_000);
      await authenticate();
      expect(await lastSeen()).toBe(start);
      clock.advance(2_000);
      await authenticate();
      expect(await lastSeen()).toBe(clock.now());
    });
  });
}
