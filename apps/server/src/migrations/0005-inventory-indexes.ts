import type { EstateMigration } from './types';

/**
 * An index for the CI list's most common filtered page: one type, one status and one environment, in name order
 * (the default sort), with the id that breaks ties and carries the keyset cursor. Before it, both engines walked the
 * (type, name) index and threw away every row of another status or environment; with it a page reads only the
 * rows it returns. Filters with fewer of these conditions still use it for the leading columns they name.
 */
export const inventoryIndexes: EstateMigration = () => ({
  async up(db) {
    await db.schema
      .createIndex('cis_type_status_env_name_idx')
      .on('cis')
      .columns(['type', 'status', 'environment', 'name', 'id'])
      .execute();
  },
});
