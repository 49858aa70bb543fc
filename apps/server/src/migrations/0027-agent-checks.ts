import type { AnyDb, EstateMigration } from './types';

/**
 * Agent-side checks (issue 14): a check may be assigned to a host agent, which runs it on its own host (services,
 * processes, filesystems, files, certificate files, Nagios plugins) and reports the results over its signed channel.
 * `agent_id` null means the server's workers run the check. An agent is never deleted (only revoked), so the
 * foreign key guards against ids that name no agent; were one deleted, its checks fall back to no agent.
 */
export const agentChecks: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .alterTable('checks')
      .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .execute();
    // The agent's own time of the newest result it delivered: older ones (a resend) are not recorded again.
    await db.schema.alterTable('checks').addColumn('agent_result_at', t.bigint).execute();
    await db.schema.createIndex('checks_agent_idx').on('checks').columns(['agent_id', 'id']).execute();
  },
});
