// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import { XorChunkEncoder } from '@estate/tsdb';
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;

/**
 * Rows for every table of migration 0020 (the metric store): a series with a UTF-8 label value, its labels, and a
 * real XOR chunk (binary, with zero bytes) holding a NaN and a -0.
 */
export async function fillMetrics(db: Kysely<any>): Promise<void> {
  const encoder = new XorChunkEncoder();
  for (const [i, v] of [0, -0, Number.NaN, 1.5e300].entries()) encoder.append(T0 + i * 10_000, v);
  const bytes = encoder.bytes();
  await db
    .insertInto('metric_series')
    .values([{ id: 7, metric: 'node_load1', labels: 'node_load1{instance="hôte-1 🖥"}', fingerprint: 'f'.repeat(32), created_at: T0 }])
    .execute();
  await db
    .insertInto('metric_series_labels')
    .values([
      { series_id: 7, name: '__name__', value: 'node_load1' },
      { series_id: 7, name: 'instance', value: 'hôte-1 🖥' },
    ])
    .execute();
  await db
    .insertInto('metric_chunks')
    .values([{ series_id: 7, min_time: T0, max_time: T0 + 30_000, count: 4, bytes: Buffer.from(bytes), tier: 'raw' }])
    .execute();
}
