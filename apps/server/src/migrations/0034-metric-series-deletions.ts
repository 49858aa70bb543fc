import type { AnyDb, EstateMigration } from './types';

/**
 * How many times series were deleted from the embedded metric store (ADR 0026): one row, bumped by every
 * `deleteSeries` in its transaction. A process holding the series index in memory reads it to learn that another
 * process deleted series (an id it holds may be gone, or taken again by a new series) and rebuilds its index; series
 * created elsewhere it finds by their ids, without this.
 */
export const metricSeriesDeletions: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('metric_series_deletions')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('deletions', t.bigint, (c) => c.notNull())
      .execute();
  },
});
