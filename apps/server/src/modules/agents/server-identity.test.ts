import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../platform/crypto/secret-box';
import { type TestDatabase, testEngines } from '../../platform/db/test-databases';
import type { AgentTables } from './agents.tables';
import { ServerIdentity } from './server-identity';

for (const engine of testEngines()) {
  describe(`server identity key on ${engine.dialect}`, () => {
    let database: TestDatabase;
    const box = SecretBox.fromKey(randomBytes(32));

    beforeAll(async () => {
      database = await engine.create();
    });
    afterAll(() => database?.cleanup());

    it('is created once even when several processes ask at the same time, and signs verifiably', async () => {
      const db = database.db as Kysely<AgentTables>;
      const keys = await Promise.all(Array.from({ length: 6 }, () => new ServerIdentity(db, box).get()));
      expect(new Set(keys.map((k) => k.fingerprint)).size).toBe(1);
      const rows = await db.selectFrom('server_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.private_key).not.toContain('PRIVATE KEY');
      const signature = keys[0]!.sign('hello');
      expect(verify(null, Buffer.from('hello'), createPublicKey(rows[0]!.public_key), Buffer.from(signature, 'base64url'))).toBe(true);
    });

    it('cannot be used with another secret key file: the database alone does not hold the private key', async () => {
      const db = database.db as Kysely<AgentTables>;
      await expect(new ServerIdentity(db, SecretBox.fromKey(randomBytes(32))).get()).rejects.toThrow();
    });
  });
}
