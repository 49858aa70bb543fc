import type { Kysely } from 'kysely';
import { sha256Hex } from '../../platform/crypto/secret-box';
import type { AuthTables } from './auth.tables';

const SETUP_KEY_PREFIX = 'setup_token:';

/** The system_state key a setup token is stored under: its SHA-256, never the token itself. */
export function setupTokenKey(token: string): string {
  return `${SETUP_KEY_PREFIX}${sha256Hex(token)}`;
}

/** SQL for one-time setup tokens: rows `setup_token:<sha256>` in system_state whose value is the expiry (epoch ms). */
export class SetupTokenRepository {
  constructor(private readonly db: Kysely<AuthTables>) {}

  async insert(token: string, expiresAt: number, now: number): Promise<void> {
    await this.db
      .insertInto('system_state')
      .values({ key: setupTokenKey(token), value: String(expiresAt), updated_at: now })
      .execute();
  }

  /** The token's expiry, or null when no such token is stored. */
  async expiryOf(db: Kysely<AuthTables>, token: string): Promise<number | null> {
    const row = await db.selectFrom('system_state').select('value').where('key', '=', setupTokenKey(token)).executeTakeFirst();
    return row ? Number(row.value) : null;
  }

  /**
   * Deletes every setup token in one statement and returns the keys it deleted: the atomic claim of the setup. A
   * concurrent claim waits for this one's transaction (PostgreSQL row locks; SQLite has one writer) and then finds
   * the rows gone, so only one transaction ever gets a given key back.
   */
  async deleteAll(db: Kysely<AuthTables>): Promise<string[]> {
    const rows = await db.deleteFrom('system_state').where('key', 'like', `${SETUP_KEY_PREFIX}%`).returning('key').execute();
    return rows.map((r) => r.key);
  }
}

/** Closes first-run setup for good: deletes every setup token. Called in the transaction that creates an admin. */
export async function closeSetup(db: Kysely<AuthTables>): Promise<void> {
  await new SetupTokenRepository(db).deleteAll(db);
}
