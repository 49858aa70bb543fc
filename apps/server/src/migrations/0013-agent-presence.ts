import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * Agents' recorded presence: `online` is 1 from an active agent's first request after being offline (or never seen)
 * until the housekeeping sweep finds its last request older than the online window. The transitions publish
 * `agent.online` and `agent.offline`; recording the state lets each be published once, by whichever process flips
 * the flag with a conditional update. Existing agents start offline, so their next request publishes `agent.online`.
 * The partial index serves the sweep, which looks only at online agents.
 */
export const agentPresence: EstateMigration = () => ({
  async up(db: AnyDb) {
    await db.schema
      .alterTable('agents')
      .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`create index agents_online_last_seen on agents (last_seen_at) where online = 1`.execute(db);
  },
});
