import type { Generated } from 'kysely';

/**
 * A series of the metric store (migrations 0020 and 0036): its canonical label set, which its labels are read back
 * from (the in-memory series index), found by fingerprint.
 */
export interface MetricSeriesTable {
  id: Generated<number>;
  /** The canonical label set, `name{a="1",b="2"}` (label-matchers.ts). */
  labels: string;
  /** The first 16 bytes of the SHA-256 of `labels`, unique. */
  fingerprint: Uint8Array;
  created_at: number;
}

/** A compressed chunk of one series' samples; the newest of a series is its open head, rewritten as it grows. */
export interface MetricChunksTable {
  series_id: number;
  min_time: number;
  max_time: number;
  count: number;
  bytes: Uint8Array;
  tier: Generated<string>;
}

/** One append's samples, until a checkpoint has written the heads they grew (store/metric-wal.ts). */
export interface MetricWalTable {
  id: Generated<number>;
  bytes: Uint8Array;
}

/** One block of a series' rollup buckets in one tier (migration 0022): the arrays of `rollup-codec.ts`. */
export interface MetricRollupsTable {
  series_id: number;
  tier: string;
  block_start: number;
  /** End of the block's first bucket, epoch ms. */
  min_time: number;
  /** End of the block's last bucket, epoch ms. */
  max_time: number;
  count: number;
  bytes: Uint8Array;
}

/** Per tier, the end of the last bucket rolled up for every series, and since when its source is whole. */
export interface MetricRollupWatermarksTable {
  tier: string;
  through: number;
  source_pruned_before: number | null;
}

/** A 5-minute bucket to roll up again: it received a sample after the job may have passed it. */
export interface MetricRollupLateTable {
  series_id: number;
  bucket_end: number;
  /** Changes with every sample marked, so the job clears only the marks it has seen. */
  mark: number;
}

/** A metric family's type, help and unit (migration 0024). */
export interface MetricMetadataTable {
  metric: string;
  type: string;
  help: string;
  unit: string;
  updated_at: number;
}

/** How many times series were deleted (migration 0034): one row, id 1, that in-memory series indexes watch. */
export interface MetricSeriesDeletionsTable {
  id: number;
  deletions: number;
}

/** The tables the metrics module reads and writes. */
export interface MetricsTables {
  metric_series: MetricSeriesTable;
  metric_chunks: MetricChunksTable;
  metric_wal: MetricWalTable;
  metric_metadata: MetricMetadataTable;
  metric_rollups: MetricRollupsTable;
  metric_rollup_watermarks: MetricRollupWatermarksTable;
  metric_rollup_late: MetricRollupLateTable;
  metric_series_deletions: MetricSeriesDeletionsTable;
}
