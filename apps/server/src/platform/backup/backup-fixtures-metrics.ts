// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import { XorChunkEncoder } from '@estate/tsdb';
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;

/**
 * Rows for every table of migrations 0020, 0022, 0023, 0024 and 0034 as 0036 leaves them (the metric store, its
 * rollups, its write-ahead log, the metric metadata and the count of series deletions): a series with a UTF-8 label
 * value in its canonical text and a binary fingerprint, a real XOR chunk (binary, with zero bytes) holding a NaN and
 * a -0, a 5-minute rollup row, the tiers' watermarks (one with a null), a late bucket, a log row, a family's metadata
 * and a deletion count past 2^32.
 */
export async function fillMetrics(db: Kysely<any>): Promise<void> {
  const encoder = new XorChunkEncoder();
  for (const [i, v] of [0, -0, Number.NaN, 1.5e300].entries()) encoder.append(T0 + i * 10_000, v);
  const bytes = encoder.bytes();
  await db
    .insertInto('metric_series')
    // The fingerprint's 16 bytes (migration 0036), a zero byte among them.
    .values([{ id: 7, labels: 'node_load1{instance="hôte-1 🖥"}', fingerprint: Buffer.from(`${'f0'.repeat(15)}00`, 'hex'), created_at: T0 }])
    .execute();
  await db
    .insertInto('metric_chunks')
    .values([{ series_id: 7, min_time: T0, max_time: T0 + 30_000, count: 4, bytes: Buffer.from(bytes), tier: 'raw' }])
    .execute();
  const end = Math.ceil((T0 + 30_000) / 300_000) * 300_000;
  // Platform code does not import the rollup codec (a module's); the round trip compares bytes, so a chunk will do.
  const block = bytes;
  await db
    .insertInto('metric_rollups')
    .values([
      {
        series_id: 7,
        tier: '5m',
        block_start: end - (end % 86_400_000),
        min_time: end,
        max_time: end,
        count: 1,
        bytes: Buffer.from(block),
      },
    ])
    .execute();
  await db
    .insertInto('metric_rollup_watermarks')
    .values([
      { tier: '5m', through: end, source_pruned_before: null },
      { tier: '1h', through: end - 3_600_000, source_pruned_before: T0 - 86_400_000 },
    ])
    .execute();
  await db
    .insertInto('metric_rollup_late')
    .values([{ series_id: 7, bucket_end: end, mark: 2 ** 52 - 1 }])
    .execute();
  // A write-ahead log row as the store writes it: u32 count, then series id, time (f64) and value (f64).
  const wal = new DataView(new ArrayBuffer(4 + 20));
  wal.setUint32(0, 1, true);
  wal.setUint32(4, 7, true);
  wal.setFloat64(8, T0 + 40_000, true);
  wal.setFloat64(16, -0, true);
  await db
    .insertInto('metric_wal')
    .values([{ id: 3, bytes: Buffer.from(wal.buffer) }])
    .execute();
  await db
    .insertInto('metric_metadata')
    .values([{ metric: 'node_load1', type: 'gauge', help: '1m load average — “quoted”', unit: '', updated_at: T0 }])
    .execute();
  await db
    .insertInto('metric_series_deletions')
    .values([{ id: 1, deletions: 2 ** 40 + 3 }])
    .execute();
}
