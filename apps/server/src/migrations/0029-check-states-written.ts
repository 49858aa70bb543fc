import type { AnyDb, EstateMigration } from './types';

/**
 * An index on when each check's state row was last written: the live status stream reads the rows written in the
 * last seconds once a second while anyone watches, and the latest write time for its catch-up.
 */
export const checkStatesWritten: EstateMigration = () => ({
  async up(db: AnyDb) {
    await db.schema.createIndex('check_states_updated_idx').on('check_states').column('updated_at').execute();
  },
});
