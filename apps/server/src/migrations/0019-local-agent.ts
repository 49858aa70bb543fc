import type { AnyDb, EstateMigration } from './types';

/**
 * Marks the agent `estate serve` runs for its own machine: `local` is 1 on that one agent (set by the server when
 * its local agent starts) and 0 on every other. The Agents page shows it as "This server"; the API refuses to
 * revoke it.
 */
export const localAgent: EstateMigration = () => ({
  async up(db: AnyDb) {
    await db.schema
      .alterTable('agents')
      .addColumn('local', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
});
