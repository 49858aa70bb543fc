import type { AnyDb, EstateMigration } from './types';

/** An index on agent samples' time, so housekeeping deletes expired samples without scanning the whole table. */
export const agentSamplesIndex: EstateMigration = () => ({
  async up(db: AnyDb) {
    await db.schema.createIndex('agent_samples_at_idx').on('agent_samples').column('at').execute();
  },
});
