import { afterEach, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD } from '../../test/harness';
import { authModuleFor, testClock } from '../modules/auth/auth.fixtures';
import { sha256Hex } from '../platform/crypto/secret-box';
import { migrateToLatest } from '../platform/db/migrate';
import { type TestDatabase, testEngines } from '../platform/db/test-databases';
import { migrationsFor } from './index';

for (const engine of testEngines()) {
  describe(`migration 0016-auth-hardening on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it('drops the stored CSRF tokens and keeps existing sessions signed in', async () => {
      database = await engine.create({ migrate: false });
      const all = migrationsFor(engine.dialect);
      const before = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0016'));
      await migrateToLatest(database, before);
      const clock = testClock(Date.now());
      const auth = authModuleFor(database, clock);
      const admin = await auth.users.createAdminFromCli('admin@example.org', 'Admin', STRONG_PASSWORD);
      const sessionToken = 'an-existing-session-token-from-before-the-upgrade';
      const now = clock.now();
      await database.db
        .insertInto('sessions')
        .values({
          id: 'session-1',
          token_hash: sha256Hex(sessionToken),
          user_id: admin.id,
          csrf_token: 'stored-csrf-token',
          created_at: now,
          last_seen_at: now,
          expires_at: now + 3_600_000,
          ip: null,
          user_agent: null,
        })
        .execute();

      expect(await migrateToLatest(database, all)).toContain('0016-auth-hardening');
      const row = await database.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
      expect(Object.keys(row)).not.toContain('csrf_token');
      const principal = await auth.auth.authenticate({ sessionToken, bearerToken: undefined, ip: '192.0.2.10' });
      expect(principal?.sessionId).toBe('session-1');
      expect(principal?.csrfToken).toMatch(/^[\w-]{43}$/);
      expect(principal?.csrfToken).not.toBe('stored-csrf-token');
    });
  });
}
