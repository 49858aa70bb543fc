import { decodeChunk } from '@estate/tsdb';
import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';
import type { RollupBucket, RollupTier } from './metric-store';
import type { ChunkRow } from './metric-store.repository';
import { type RollupBlockRow, RollupRepository } from './rollup.repository';
import { addBuckets, addSamples, blockStart, bucketEnd, decodeRollupBlock, encodeRollupBlock, mergeBuckets, TIER_MS } from './rollup-codec';

/** How long each tier's data is kept, in ms. */
export interface TierRetention {
  raw: number;
  '5m': number;
  '1h': number;
}

/** Tuning of the rollup job; every field has a default. */
export interface MetricRollupsOptions {
  /**
   * How far behind the newest raw sample a bucket must end before it is rolled up, in ms (default 5 minutes):
   * room for agents' reports in flight. A sample arriving later marks its bucket to be rolled up again.
   */
  graceMs?: number;
  /** The clock; the newest sample counts as no newer than it (a host whose clock runs ahead cannot push the watermark). */
  now?: () => number;
  /**
   * Whether appends mark the buckets of late samples (default true). Off for code that runs on the schema before
   * migration 0022 (migration 0021 moves old samples into the store, which the first run rolls up anyway).
   */
  markLate?: boolean;
  /**
   * True when the database runs one write transaction at a time (SQLite, whose one connection and one writer lock
   * serialize them): an append then marks only the buckets the job has passed, by the 5-minute watermark it reads in
   * its own transaction — no slice of the job can be in flight meanwhile, so a later bucket is rolled up from raw
   * samples that hold the append's. Otherwise (PostgreSQL, where a slice may have read the raw chunks before the
   * append commits) every late sample marks its bucket. Default false.
   */
  serializedWrites?: boolean;
  /**
   * Writes samples held in memory to the raw chunks before a run reads them: the embedded store's checkpoint, which
   * the write-ahead log (ADR 0017) otherwise leaves for up to a minute.
   */
  beforeRun?: () => Promise<void>;
  /** Called inside each slice's transaction after its buckets are written, before the watermark commits (tests). */
  afterSlice?: (tier: RollupTier, through: number) => void | Promise<void>;
}

/** How long after its end a bucket is complete even when no newer sample has come (a store whose agents all stopped). */
const CLOSED_AFTER_MS = 3_600_000;

/** Room for clocks of processes sharing a PostgreSQL store to differ, when deciding whether a sample may be late. */
const CLOCK_SKEW_MS = 60_000;
/** Late buckets re-rolled per transaction. */
const LATE_PER_SLICE = 1_000;

/** The most time one transaction of the job rolls up: a quarter day of 5-minute buckets, a day of hourly ones. */
const SLICE_MS: Readonly<Record<RollupTier, number>> = { '5m': 6 * 3_600_000, '1h': 86_400_000 };

/** True when `values[i]` is Prometheus' stale marker, read from the decoded buffer's bits. */
function isStale(values: Float64Array, i: number): boolean {
  const v = values[i] as number;
  if (!Number.isNaN(v)) return false;
  const words = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return (words[0] === 2 && words[1] === 0x7ff00000) || (words[1] === 2 && words[0] === 0x7ff00000);
}

/** The samples of a raw chunk in (from, to], stale markers left out. */
function samplesIn(chunk: ChunkRow, from: number, to: number): Array<[number, number]> {
  const { timestamps, values } = decodeChunk(chunk.bytes);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] as number;
    if (t > from && t <= to && !isStale(values, i)) out.push([t, values[i] as number]);
  }
  return out;
}

/** Adds per-series buckets of `tier` from raw chunks' samples in (from, to]. */
function rollRaw(chunks: readonly ChunkRow[], tier: RollupTier, from: number, to: number): Map<number, Map<number, RollupBucket>> {
  const out = new Map<number, Map<number, RollupBucket>>();
  for (const chunk of chunks) {
    let buckets = out.get(chunk.series_id);
    if (!buckets) {
      buckets = new Map();
      out.set(chunk.series_id, buckets);
    }
    addSamples(buckets, tier, samplesIn(chunk, from, to));
  }
  return out;
}

/**
 * The rollup tiers of the embedded store (ADR 0018): a job that rolls whole buckets up (5-minute from raw, 1-hour
 * from 5-minute) behind a per-tier watermark, the reading of buckets, and pruning per tier.
 *
 * The job is idempotent and resumable: it works in slices, each one transaction that writes the slice's buckets
 * and advances the watermark, so a crash loses at most the slice in flight and the next run starts from the
 * watermark. A bucket is computed whole from its source, never added to, so writing it twice counts nothing twice.
 */
export class MetricRollups {
  private readonly repo: RollupRepository;
  private readonly graceMs: number;
  private readonly now: () => number;
  private running: Promise<Record<RollupTier, number | undefined>> | undefined;

  constructor(
    private readonly db: Kysely<MetricsTables>,
    private readonly options: MetricRollupsOptions = {},
  ) {
    this.repo = new RollupRepository(db);
    this.graceMs = options.graceMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /** The watermark of a tier: every bucket ending at or before it is rolled up. */
  watermark(tier: RollupTier): Promise<number | undefined> {
    return this.repo.watermark(tier);
  }

  /**
   * Rolls up every complete bucket past each tier's watermark; answers the watermarks. `maxSlices` stops after that
   * many transactions (a bounded run; the next one goes on from the watermark); `now` is the time of the run (the
   * clock's by default). Calls in one process share a run.
   */
  run(options: { maxSlices?: number; now?: number } = {}): Promise<Record<RollupTier, number | undefined>> {
    this.running ??= (async () => {
      try {
        await this.options.beforeRun?.();
        const budget = { slices: options.maxSlices ?? Number.POSITIVE_INFINITY, now: options.now ?? this.now() };
        const fine = await this.rollTier('5m', budget);
        await this.rerollLate();
        return { '5m': fine, '1h': await this.rollTier('1h', budget) };
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * The time at or before which an appended sample may fall in a bucket the job has passed already: a grace before
   * now, and a minute's room for another process's clock. Samples after it are never late.
   */
  lateBefore(): number {
    if (this.options.markLate === false) return Number.NEGATIVE_INFINITY;
    return this.now() - this.graceMs + CLOCK_SKEW_MS;
  }

  /**
   * Marks the 5-minute buckets of samples at or before `lateBefore()`, as [series id, time], in the append's
   * transaction: the next run rolls them up again from raw samples, and the hour they are in from its 5-minute
   * buckets. Each mark is new, so a run that read an older one leaves this one for the next run.
   */
  async markLate(trx: Kysely<MetricsTables>, samples: ReadonlyArray<readonly [number, number]>): Promise<void> {
    // Read after the append's other writes, so on SQLite its transaction holds the writer lock by then.
    const passed = this.options.serializedWrites
      ? ((await this.repo.watermark('5m', trx)) ?? Number.NEGATIVE_INFINITY)
      : Number.POSITIVE_INFINITY;
    const rows = new Map<string, { series_id: number; bucket_end: number; mark: number }>();
    for (const [id, t] of samples) {
      const end = bucketEnd(t, '5m');
      if (end > passed) continue;
      rows.set(`${id}:${end}`, { series_id: id, bucket_end: end, mark: Math.floor(Math.random() * 2 ** 52) });
    }
    if (rows.size > 0) await this.repo.markLate(trx, [...rows.values()]);
  }

  /**
   * Deletes what each tier keeps no longer at `now`: raw chunks through `deleteRaw` (the store's, which also drops
   * its heads), and rollup blocks whose newest bucket is past the tier's retention. Nothing is deleted before the
   * next tier has rolled it up: raw waits for the 5-minute watermark, 5-minute blocks for the hourly one.
   */
  async prune(now: number, retention: TierRetention, deleteRaw: (cutoff: number) => Promise<number>): Promise<TierRetention> {
    const fine = (await this.repo.watermark('5m')) ?? Number.NEGATIVE_INFINITY;
    const coarse = (await this.repo.watermark('1h')) ?? Number.NEGATIVE_INFINITY;
    const rawCutoff = Math.min(now - retention.raw, fine + 1);
    const fineCutoff = Math.min(now - retention['5m'], coarse + 1);
    // Noted before deleting: a late bucket is re-rolled only from a whole source.
    if (Number.isFinite(rawCutoff)) await this.repo.setSourcePrunedBefore('5m', rawCutoff);
    if (Number.isFinite(fineCutoff)) await this.repo.setSourcePrunedBefore('1h', fineCutoff);
    return {
      raw: Number.isFinite(rawCutoff) ? await deleteRaw(rawCutoff) : 0,
      '5m': Number.isFinite(fineCutoff) ? await this.repo.deleteBlocksBefore('5m', fineCutoff) : 0,
      '1h': await this.repo.deleteBlocksBefore('1h', now - retention['1h']),
    };
  }

  /**
   * The buckets of `tier` ending in [start, end] of the given series: stored ones up to the watermark, the rest
   * computed from `raw` (chunks of the series over a span) as they are read.
   */
  async read(
    ids: readonly number[],
    start: number,
    end: number,
    tier: RollupTier,
    raw: (from: number, to: number) => Promise<ChunkRow[]>,
  ): Promise<Map<number, RollupBucket[]>> {
    const out = new Map<number, RollupBucket[]>(ids.map((id) => [id, []]));
    if (ids.length === 0 || end < start) return out;
    const wm = (await this.repo.watermark(tier)) ?? Number.NEGATIVE_INFINITY;
    if (start <= wm) {
      const to = Math.min(end, wm);
      for (const block of await this.repo.blocksIn(this.db, tier, start, to, ids)) {
        const list = out.get(block.series_id) as RollupBucket[];
        for (const b of decodeRollupBlock(block.bytes)) if (b.t >= start && b.t <= to) list.push(b);
      }
    }
    if (end > wm) {
      const from = Math.max(wm, start - TIER_MS[tier]);
      for (const [id, buckets] of rollRaw(await raw(from + 1, end), tier, from, end)) {
        const list = out.get(id);
        if (list) for (const b of buckets.values()) if (b.t > wm && b.t >= start && b.t <= end) list.push(b);
      }
    }
    return out;
  }

  private async rollTier(tier: RollupTier, budget: { slices: number; now: number }): Promise<number | undefined> {
    const size = TIER_MS[tier];
    let wm = await this.repo.watermark(tier);
    let target: number;
    if (tier === '5m') {
      const span = await this.repo.rawSpan();
      if (!span) return wm;
      // Complete: ended a grace before the newest sample, or an hour before now when no sample comes any more.
      const complete = Math.max(Math.min(span.max, budget.now) - this.graceMs, budget.now - CLOSED_AFTER_MS);
      target = Math.floor(complete / size) * size;
      wm ??= bucketEnd(span.min, tier) - size;
    } else {
      const fine = await this.repo.watermark('5m');
      const oldest = await this.repo.oldestBucketEnd('5m');
      if (fine === undefined || oldest === undefined) return wm;
      target = Math.floor(fine / size) * size;
      wm ??= bucketEnd(oldest, tier) - size;
    }
    while (wm < target && budget.slices > 0) {
      budget.slices--;
      const from: number = wm;
      const to = Math.min(target, from + SLICE_MS[tier]);
      await this.db.transaction().execute(async (trx) => {
        const buckets =
          tier === '5m' ? rollRaw(await this.repo.rawChunksIn(trx, from, to), tier, from, to) : await this.rollFiner(trx, from, to);
        await this.write(trx, tier, buckets);
        await this.options.afterSlice?.(tier, to);
        await this.repo.setWatermark(trx, tier, to);
      });
      wm = to;
    }
    return wm;
  }

  /**
   * Rolls up again the 5-minute buckets marked late that the job has passed, from raw samples, and the hours they
   * are in that it has passed too, from their 5-minute buckets; then clears the marks it read. A bucket whose
   * source is no longer whole (pruned) keeps what it had. Each batch is one transaction.
   */
  private async rerollLate(): Promise<void> {
    const fine = await this.repo.watermark('5m');
    if (fine === undefined) return;
    const coarse = (await this.repo.watermark('1h')) ?? Number.NEGATIVE_INFINITY;
    const rawWhole = await this.repo.sourcePrunedBefore('5m');
    const fineWhole = await this.repo.sourcePrunedBefore('1h');
    for (;;) {
      const done = await this.db.transaction().execute(async (trx) => {
        const late = await this.repo.lateBuckets(trx, fine, LATE_PER_SLICE);
        const rollable = late.filter((r) => r.bucket_end - TIER_MS['5m'] >= rawWhole);
        const ends = new Map<number, Set<number>>();
        for (const r of rollable) ends.set(r.series_id, (ends.get(r.series_id) ?? new Set()).add(r.bucket_end));
        const fineBuckets = new Map<number, Map<number, RollupBucket>>();
        for (const [id, set] of ends) {
          const from = Math.min(...set) - TIER_MS['5m'];
          const to = Math.max(...set);
          const all = rollRaw(await this.repo.rawChunksOf(trx, id, from, to), '5m', from, to).get(id);
          fineBuckets.set(id, new Map([...(all ?? new Map<number, RollupBucket>())].filter(([end]) => set.has(end))));
        }
        await this.write(trx, '5m', fineBuckets);
        const hours = new Map<string, readonly [number, number]>();
        for (const [id, set] of ends) {
          for (const end of set) {
            const hour = bucketEnd(end, '1h');
            if (hour <= coarse && hour - TIER_MS['1h'] >= fineWhole) hours.set(`${id}:${hour}`, [id, hour]);
          }
        }
        await this.write(trx, '1h', await this.rollHours(trx, [...hours.values()]));
        await this.repo.clearLate(trx, late);
        return late.length < LATE_PER_SLICE;
      });
      if (done) return;
    }
  }

  /** Hourly buckets of the given (series, hour end) from their 5-minute buckets. */
  private async rollHours(
    trx: Kysely<MetricsTables>,
    hours: ReadonlyArray<readonly [number, number]>,
  ): Promise<Map<number, Map<number, RollupBucket>>> {
    const out = new Map<number, Map<number, RollupBucket>>();
    if (hours.length === 0) return out;
    const wanted = new Set(hours.map(([id, hour]) => `${id}:${hour}`));
    const blocks = await this.repo.blocksAt(
      trx,
      '5m',
      hours.map(([id, hour]) => [id, blockStart(hour, '5m')] as const),
    );
    for (const block of blocks) {
      const buckets = decodeRollupBlock(block.bytes).filter((b) => wanted.has(`${block.series_id}:${bucketEnd(b.t, '1h')}`));
      let into = out.get(block.series_id);
      if (!into) {
        into = new Map();
        out.set(block.series_id, into);
      }
      addBuckets(into, '1h', buckets);
    }
    return out;
  }

  /** Hourly buckets in (from, to] from the 5-minute buckets of that span. */
  private async rollFiner(trx: Kysely<MetricsTables>, from: number, to: number): Promise<Map<number, Map<number, RollupBucket>>> {
    const out = new Map<number, Map<number, RollupBucket>>();
    for (const block of await this.repo.blocksIn(trx, '5m', from + 1, to)) {
      let buckets = out.get(block.series_id);
      if (!buckets) {
        buckets = new Map();
        out.set(block.series_id, buckets);
      }
      addBuckets(
        buckets,
        '1h',
        decodeRollupBlock(block.bytes).filter((b) => b.t > from && b.t <= to),
      );
    }
    return out;
  }

  /** Merges buckets into their stored blocks, replacing buckets of the same end. */
  private async write(trx: Kysely<MetricsTables>, tier: RollupTier, bySeries: Map<number, Map<number, RollupBucket>>): Promise<void> {
    const grouped = new Map<string, { id: number; start: number; buckets: RollupBucket[] }>();
    for (const [id, buckets] of bySeries) {
      for (const b of buckets.values()) {
        const start = blockStart(b.t, tier);
        const key = `${id}:${start}`;
        const group = grouped.get(key);
        if (group) group.buckets.push(b);
        else grouped.set(key, { id, start, buckets: [b] });
      }
    }
    if (grouped.size === 0) return;
    const stored = new Map(
      (
        await this.repo.blocksAt(
          trx,
          tier,
          [...grouped.values()].map((g) => [g.id, g.start] as const),
        )
      ).map((row) => [`${row.series_id}:${row.block_start}`, row]),
    );
    const rows: RollupBlockRow[] = [];
    for (const [key, g] of grouped) {
      const old = stored.get(key);
      const merged = mergeBuckets(old ? decodeRollupBlock(old.bytes) : [], g.buckets);
      rows.push({
        series_id: g.id,
        block_start: g.start,
        min_time: merged[0]!.t,
        max_time: merged[merged.length - 1]!.t,
        count: merged.length,
        bytes: encodeRollupBlock(merged),
      });
    }
    await this.repo.writeBlocks(trx, tier, rows);
  }
}
