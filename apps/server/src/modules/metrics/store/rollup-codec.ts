/*
 * Rollup buckets and their storage form. A bucket of a tier is right-closed, (end - size, end], named by its end,
 * so that a PromQL window (t - range, t] whose t and range are multiples of the size is exactly a run of buckets.
 * A block (one row) holds a UTC day of 5-minute buckets or a week of 1-hour ones, as six chunk-encoded arrays.
 */
import { decodeChunk, sealChunk, XorChunkEncoder } from '@estate/tsdb';
import type { RollupBucket, RollupTier } from './metric-store';

export type { RollupBucket, RollupTier };

/** The tiers, finest first. */
export const ROLLUP_TIERS: readonly RollupTier[] = ['5m', '1h'];

/** A tier's bucket size, in ms. */
export const TIER_MS: Readonly<Record<RollupTier, number>> = { '5m': 300_000, '1h': 3_600_000 };
/** The span of one stored block of a tier, in ms: a day of 5-minute buckets (288), a week of 1-hour ones (168). */
export const BLOCK_MS: Readonly<Record<RollupTier, number>> = { '5m': 86_400_000, '1h': 7 * 86_400_000 };

/** The end of the bucket of `tier` that holds time `t`. */
export function bucketEnd(t: number, tier: RollupTier): number {
  const size = TIER_MS[tier];
  return Math.ceil(t / size) * size;
}

/** The start of the block that holds the bucket ending at `end`. */
export function blockStart(end: number, tier: RollupTier): number {
  const size = BLOCK_MS[tier];
  return Math.floor((end - 1) / size) * size;
}

/** Min and max the way PromQL's min/max_over_time take them: a NaN gives way to any number. */
const lower = (a: number, b: number) => (b < a || Number.isNaN(a) ? b : a);
const higher = (a: number, b: number) => (b > a || Number.isNaN(a) ? b : a);

/**
 * Adds samples (in time order, stale markers already left out) to the buckets of `tier`, keyed by bucket end.
 * Sums are plain running sums (PromQL's sum_over_time compensates; the difference is in the last bits).
 */
export function addSamples(into: Map<number, RollupBucket>, tier: RollupTier, samples: ReadonlyArray<readonly [number, number]>): void {
  for (const [t, v] of samples) {
    const end = bucketEnd(t, tier);
    const b = into.get(end);
    if (!b) into.set(end, { t: end, min: v, max: v, sum: v, count: 1, last: v, lastT: t });
    else {
      b.min = lower(b.min, v);
      b.max = higher(b.max, v);
      b.sum += v;
      b.count++;
      if (t >= b.lastT) [b.last, b.lastT] = [v, t];
    }
  }
}

/** Folds finer buckets (in time order) into the coarser buckets of `tier`: min of mins, sum of sums, newest last. */
export function addBuckets(into: Map<number, RollupBucket>, tier: RollupTier, buckets: readonly RollupBucket[]): void {
  for (const f of buckets) {
    const end = bucketEnd(f.t, tier);
    const b = into.get(end);
    if (!b) into.set(end, { ...f, t: end });
    else {
      b.min = lower(b.min, f.min);
      b.max = higher(b.max, f.max);
      b.sum += f.sum;
      b.count += f.count;
      if (f.lastT >= b.lastT) [b.last, b.lastT] = [f.last, f.lastT];
    }
  }
}

const FIELDS = ['min', 'max', 'sum', 'count', 'last'] as const;

/**
 * Encodes buckets (in time order, one per end) as six chunks sharing the bucket ends as timestamps: min, max,
 * sum, count, last, and the time of last as its distance before the bucket's end (constant for a steady scraper,
 * so about a bit a bucket). Each is sealed into the smaller chunk format (counts, distances and the min, max and
 * last of decimal values are decimal chunks; sums of floats mostly stay XOR) and prefixed by its length as a
 * 32-bit little-endian integer. Blocks written before the decimal format hold XOR chunks and read the same way.
 */
export function encodeRollupBlock(buckets: readonly RollupBucket[]): Uint8Array {
  const arrays = [...FIELDS, 'lastT' as const].map((field) => {
    const enc = new XorChunkEncoder();
    for (const b of buckets) enc.append(b.t, field === 'lastT' ? b.t - b.lastT : b[field]);
    return sealChunk(enc.bytes());
  });
  const out = new Uint8Array(arrays.reduce((n, a) => n + 4 + a.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const a of arrays) {
    view.setUint32(at, a.length, true);
    out.set(a, at + 4);
    at += 4 + a.length;
  }
  return out;
}

/** The buckets of an encoded block, in time order. */
export function decodeRollupBlock(bytes: Uint8Array): RollupBucket[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arrays: Float64Array[] = [];
  let times: ArrayLike<number> = [];
  let at = 0;
  for (let i = 0; i < 6; i++) {
    const length = view.getUint32(at, true);
    const decoded = decodeChunk(bytes.subarray(at + 4, at + 4 + length));
    if (i === 0) times = decoded.timestamps;
    arrays.push(decoded.values);
    at += 4 + length;
  }
  const [min, max, sum, count, last, before] = arrays as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return Array.from({ length: times.length }, (_, i) => {
    const t = times[i] as number;
    return { t, min: min[i]!, max: max[i]!, sum: sum[i]!, count: count[i]!, last: last[i]!, lastT: t - before[i]! };
  });
}

/** Merges `updates` into a block's buckets: a bucket of the same end is replaced, so rolling a bucket up twice is harmless. */
export function mergeBuckets(stored: readonly RollupBucket[], updates: Iterable<RollupBucket>): RollupBucket[] {
  const byEnd = new Map(stored.map((b) => [b.t, b]));
  for (const b of updates) byEnd.set(b.t, b);
  return [...byEnd.values()].sort((a, b) => a.t - b.t);
}
