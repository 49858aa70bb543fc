import type { AnyDb, EstateMigration } from './types';

/**
 * Rollup tiers of the embedded metric store (ADR 0018).
 *
 * - `metric_rollups`: per series and tier (`5m`, `1h`), one row per block (a UTC day of 5-minute buckets, a week of
 *   1-hour buckets) holding every bucket's min, max, sum, count, last and time of last, each as an XOR-encoded array
 *   (`@estate/tsdb`). `min_time`/`max_time` are the ends of its first and last bucket (epoch ms); key
 *   (series, tier, block start). Indexed by (tier, max_time) for pruning per tier.
 * - `metric_rollup_watermarks`: per tier, the end of the last bucket rolled up for every series; the rollup job
 *   advances it in the same transaction as the buckets it wrote, so a crash never leaves half a step.
 * - An index on `metric_chunks(max_time)`, so the rollup job finds the chunks of a time slice without a full scan.
 */
export const metricRollups: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
    await db.schema
      .createTable('metric_rollups')
      .addColumn('series_id', t.bigint, (c) => c.notNull().references('metric_series.id').onDelete('cascade'))
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('block_start', t.bigint, (c) => c.notNull())
      .addColumn('min_time', t.bigint, (c) => c.notNull())
      .addColumn('max_time', t.bigint, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('bytes', bytes, (c) => c.notNull())
      .addPrimaryKeyConstraint('metric_rollups_pk', ['series_id', 'tier', 'block_start'])
      .execute();
    await db.schema.createIndex('metric_rollups_tier_max_time_idx').on('metric_rollups').columns(['tier', 'max_time']).execute();
    await db.schema
      .createTable('metric_rollup_watermarks')
      .addColumn('tier', 'text', (c) => c.primaryKey().notNull())
      .addColumn('through', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('metric_chunks_max_time_idx').on('metric_chunks').column('max_time').execute();
  },
});
