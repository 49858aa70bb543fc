import type { AnyDb, EstateMigration } from './types';

/**
 * Rollup tiers of the embedded metric store (ADR 0018).
 *
 * - `metric_rollups`: per series and tier (`5m`, `1h`), one row per block (a UTC day of 5-minute buckets, a week of
 *   1-hour buckets) holding every bucket's min, max, sum, count, last and time of last, each as an XOR-encoded array
 *   (`@estate/tsdb`). `min_time`/`max_time` are the ends of its first and last bucket (epoch ms); key
 *   (series, tier, block start). Indexed by (tier, max_time) for pruning per tier.
 * - `metric_rollup_watermarks`: per tier, the end of the last bucket rolled up for every series (`through`); the
 *   rollup job advances it in the same transaction as the buckets it wrote, so a crash never leaves half a step.
 *   `source_pruned_before`: the tier's source (raw for 5m, 5m for 1h) holds everything from this time on; pruning
 *   moves it, and a bucket is re-rolled only where its source is whole.
 * - `metric_rollup_late`: 5-minute buckets that received a sample the rollup job may have passed already (an
 *   agent's buffered samples, arriving late), with a mark that changes each time; the job re-rolls them.
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
      .addColumn('source_pruned_before', t.bigint)
      .execute();
    await db.schema
      .createTable('metric_rollup_late')
      .addColumn('series_id', t.bigint, (c) => c.notNull().references('metric_series.id').onDelete('cascade'))
      .addColumn('bucket_end', t.bigint, (c) => c.notNull())
      .addColumn('mark', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('metric_rollup_late_pk', ['series_id', 'bucket_end'])
      .execute();
    await db.schema.createIndex('metric_rollup_late_bucket_end_idx').on('metric_rollup_late').column('bucket_end').execute();
    await db.schema.createIndex('metric_chunks_max_time_idx').on('metric_chunks').column('max_time').execute();
  },
});
