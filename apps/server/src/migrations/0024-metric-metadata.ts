import type { AnyDb, EstateMigration } from './types';

/**
 * Metric metadata (type, help, unit) by metric family, as remote_write senders and Estate's own scrape report it:
 * what `/api/v1/metadata` answers, and what the explorer's completion shows beside a name.
 */
export const metricMetadata: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('metric_metadata')
      .addColumn('metric', 'text', (c) => c.primaryKey().notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('help', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
});
