import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';
import type { ChunkRow } from './metric-store.repository';
import { ReusedBatch } from './reused-batch';
import type { RollupTier } from './rollup-codec';

/** A stored block of one series' buckets in one tier. */
export interface RollupBlockRow {
  series_id: number;
  block_start: number;
  min_time: number;
  max_time: number;
  count: number;
  bytes: Uint8Array;
}

const IDS_PER_QUERY = 500;
const ROWS_PER_INSERT = 500;

function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function readBlock(r: RollupBlockRow): RollupBlockRow {
  return {
    series_id: Number(r.series_id),
    block_start: Number(r.block_start),
    min_time: Number(r.min_time),
    max_time: Number(r.max_time),
    count: Number(r.count),
    bytes: r.bytes,
  };
}

/** The rollup tiers' SQL, on either engine; every method runs in the executor it is given. */
export class RollupRepository {
  /** Full batches of late marks: appends of old samples send one per 500 series. */
  private readonly lateMarks = new ReusedBatch<{ series_id: number; bucket_end: number; mark: number }>(ROWS_PER_INSERT, (r, into) =>
    into.push(r.series_id, r.bucket_end, r.mark),
  );

  constructor(private readonly db: Kysely<MetricsTables>) {}

  /** The end of the last bucket of `tier` rolled up for every series, or undefined before the first run. */
  async watermark(tier: RollupTier, db = this.db): Promise<number | undefined> {
    const row = await db.selectFrom('metric_rollup_watermarks').select('through').where('tier', '=', tier).executeTakeFirst();
    return row ? Number(row.through) : undefined;
  }

  /** Since when the source of `tier` is whole (nothing of it pruned after that time), or -Infinity. */
  async sourcePrunedBefore(tier: RollupTier, db = this.db): Promise<number> {
    const row = await db.selectFrom('metric_rollup_watermarks').select('source_pruned_before').where('tier', '=', tier).executeTakeFirst();
    return row?.source_pruned_before == null ? Number.NEGATIVE_INFINITY : Number(row.source_pruned_before);
  }

  /** Records that the source of `tier` was pruned before `cutoff` (a tier without a watermark has nothing to note). */
  async setSourcePrunedBefore(tier: RollupTier, cutoff: number): Promise<void> {
    await this.db.updateTable('metric_rollup_watermarks').set({ source_pruned_before: cutoff }).where('tier', '=', tier).execute();
  }

  /** Marks 5-minute buckets to roll up again, each with a new mark. */
  async markLate(trx: Kysely<MetricsTables>, rows: ReadonlyArray<{ series_id: number; bucket_end: number; mark: number }>): Promise<void> {
    for (const batch of batches(rows, ROWS_PER_INSERT)) {
      await this.lateMarks.execute(trx, batch, (b) =>
        trx
          .insertInto('metric_rollup_late')
          .values(b.map((r) => ({ series_id: r.series_id, bucket_end: r.bucket_end, mark: r.mark })))
          .onConflict((oc) => oc.columns(['series_id', 'bucket_end']).doUpdateSet((eb) => ({ mark: eb.ref('excluded.mark') }))),
      );
    }
  }

  /** Up to `limit` marked buckets ending at or before `through`, oldest first. */
  async lateBuckets(trx: Kysely<MetricsTables>, through: number, limit: number) {
    const rows = await trx
      .selectFrom('metric_rollup_late')
      .select(['series_id', 'bucket_end', 'mark'])
      .where('bucket_end', '<=', through)
      .orderBy('bucket_end')
      .orderBy('series_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ series_id: Number(r.series_id), bucket_end: Number(r.bucket_end), mark: Number(r.mark) }));
  }

  /** Clears marks the job has rolled up; a mark renewed since (another late sample) stays for the next run. */
  async clearLate(trx: Kysely<MetricsTables>, rows: ReadonlyArray<{ series_id: number; bucket_end: number; mark: number }>): Promise<void> {
    for (const batch of batches(rows, 100)) {
      await trx
        .deleteFrom('metric_rollup_late')
        .where((eb) =>
          eb.or(
            batch.map((r) => eb.and([eb('series_id', '=', r.series_id), eb('bucket_end', '=', r.bucket_end), eb('mark', '=', r.mark)])),
          ),
        )
        .execute();
    }
  }

  /** Sets the watermark of `tier`, in the transaction that wrote its buckets. */
  async setWatermark(trx: Kysely<MetricsTables>, tier: RollupTier, through: number): Promise<void> {
    await trx
      .insertInto('metric_rollup_watermarks')
      .values({ tier, through })
      .onConflict((oc) => oc.column('tier').doUpdateSet({ through }))
      .execute();
  }

  /** The oldest and newest raw sample times in the store, or undefined when it holds none. */
  async rawSpan(db = this.db): Promise<{ min: number; max: number } | undefined> {
    const row = await db
      .selectFrom('metric_chunks')
      .select((eb) => [eb.fn.min('min_time').as('min'), eb.fn.max('max_time').as('max')])
      .where('tier', '=', 'raw')
      .executeTakeFirst();
    return row?.min == null || row.max == null ? undefined : { min: Number(row.min), max: Number(row.max) };
  }

  /** The end of the oldest stored bucket of `tier`, or undefined when it holds none. */
  async oldestBucketEnd(tier: RollupTier, db = this.db): Promise<number | undefined> {
    const row = await db
      .selectFrom('metric_rollups')
      .select((eb) => eb.fn.min('min_time').as('min'))
      .where('tier', '=', tier)
      .executeTakeFirst();
    return row?.min == null ? undefined : Number(row.min);
  }

  /** Raw chunks of every series that hold samples in (from, to], ordered by series and time. */
  async rawChunksIn(db: Kysely<MetricsTables>, from: number, to: number): Promise<ChunkRow[]> {
    const rows = await db
      .selectFrom('metric_chunks')
      .select(['series_id', 'min_time', 'max_time', 'count', 'bytes'])
      .where('tier', '=', 'raw')
      .where('max_time', '>', from)
      .where('min_time', '<=', to)
      .orderBy('series_id')
      .orderBy('min_time')
      .execute();
    return rows.map((r) => ({ ...r, series_id: Number(r.series_id), min_time: Number(r.min_time), max_time: Number(r.max_time) }));
  }

  /** Raw chunks of one series that hold samples in (from, to], in time order. */
  async rawChunksOf(db: Kysely<MetricsTables>, id: number, from: number, to: number): Promise<ChunkRow[]> {
    const rows = await db
      .selectFrom('metric_chunks')
      .select(['series_id', 'min_time', 'max_time', 'count', 'bytes'])
      .where('series_id', '=', id)
      .where('tier', '=', 'raw')
      .where('max_time', '>', from)
      .where('min_time', '<=', to)
      .orderBy('min_time')
      .execute();
    return rows.map((r) => ({ ...r, series_id: Number(r.series_id), min_time: Number(r.min_time), max_time: Number(r.max_time) }));
  }

  /** Blocks of `tier` with buckets ending in [from, to]; of the given series only when `ids` is given. */
  async blocksIn(
    db: Kysely<MetricsTables>,
    tier: RollupTier,
    from: number,
    to: number,
    ids?: readonly number[],
  ): Promise<RollupBlockRow[]> {
    const query = (batch?: number[]) => {
      let q = db
        .selectFrom('metric_rollups')
        .select(['series_id', 'block_start', 'min_time', 'max_time', 'count', 'bytes'])
        .where('tier', '=', tier)
        .where('max_time', '>=', from)
        .where('min_time', '<=', to);
      if (batch) q = q.where('series_id', 'in', batch);
      return q.orderBy('series_id').orderBy('block_start').execute();
    };
    if (!ids) return (await query()).map(readBlock);
    const out: RollupBlockRow[] = [];
    for (const batch of batches(ids, IDS_PER_QUERY)) out.push(...(await query(batch)).map(readBlock));
    return out;
  }

  /** The stored blocks of `tier` at the given (series, block start) keys. */
  async blocksAt(trx: Kysely<MetricsTables>, tier: RollupTier, keys: ReadonlyArray<readonly [number, number]>): Promise<RollupBlockRow[]> {
    const out: RollupBlockRow[] = [];
    const byStart = new Map<number, number[]>();
    for (const [id, start] of keys) byStart.set(start, [...(byStart.get(start) ?? []), id]);
    for (const [start, ids] of byStart) {
      for (const batch of batches(ids, IDS_PER_QUERY)) {
        const rows = await trx
          .selectFrom('metric_rollups')
          .select(['series_id', 'block_start', 'min_time', 'max_time', 'count', 'bytes'])
          .where('tier', '=', tier)
          .where('block_start', '=', start)
          .where('series_id', 'in', batch)
          .execute();
        out.push(...rows.map(readBlock));
      }
    }
    return out;
  }

  /** Writes blocks of `tier`, replacing the stored block of the same series and start. */
  async writeBlocks(trx: Kysely<MetricsTables>, tier: RollupTier, blocks: readonly RollupBlockRow[]): Promise<void> {
    for (const batch of batches(blocks, ROWS_PER_INSERT)) {
      await trx
        .insertInto('metric_rollups')
        .values(batch.map((b) => ({ ...b, tier, bytes: asBuffer(b.bytes) })))
        .onConflict((oc) =>
          oc.columns(['series_id', 'tier', 'block_start']).doUpdateSet((eb) => ({
            min_time: eb.ref('excluded.min_time'),
            max_time: eb.ref('excluded.max_time'),
            count: eb.ref('excluded.count'),
            bytes: eb.ref('excluded.bytes'),
          })),
        )
        .execute();
    }
  }

  /** Deletes the blocks of `tier` whose newest bucket ends before `cutoff`; answers how many. */
  async deleteBlocksBefore(tier: RollupTier, cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('metric_rollups').where('tier', '=', tier).where('max_time', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
