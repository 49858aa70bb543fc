/*
 * Chunks decoded into columns: each series' samples in a time range as typed arrays of times and values, with a mask
 * of Prometheus' stale markers read from the values' bits (a NaN's payload does not survive a JavaScript array).
 * Chunks of either format (XOR, decimal) decode straight into the arrays.
 */
import { chunkCount, chunkMinTime, decodeChunkInto, FLOAT_HIGH_WORD as HIGH, FLOAT_LOW_WORD as LOW, STALE_BITS } from '@estate/tsdb';
import type { ChunkRow } from './metric-store.repository';

/** One series' samples as typed arrays, with a mask of stale markers (null when there is none). */
export interface SampleColumns {
  t: Float64Array;
  v: Float64Array;
  stale: Uint8Array | null;
}

/** A series' samples as columns, with its labels. */
export interface ColumnarSeries extends SampleColumns {
  labels: Record<string, string>;
}

const [STALE_HIGH, STALE_LOW] = STALE_BITS;

/**
 * The samples in [start, end] of every series the chunks belong to, by series id, in time order. Chunks of a series
 * do not overlap, in whatever order they come (a head read from memory comes last). Series without a sample in the
 * range are absent. Throws a RangeError when a chunk is truncated or malformed.
 */
export function decodeColumns(chunks: readonly ChunkRow[], start: number, end: number): Map<number, SampleColumns> {
  const bySeries = new Map<number, ChunkRow[]>();
  for (const chunk of chunks) {
    const list = bySeries.get(chunk.series_id);
    if (list) list.push(chunk);
    else bySeries.set(chunk.series_id, [chunk]);
  }
  const out = new Map<number, SampleColumns>();
  for (const [id, rows] of bySeries) {
    const columns = seriesColumns(rows, start, end);
    if (columns) out.set(id, columns);
  }
  return out;
}

/**
 * One series' chunks decoded straight into one pair of arrays, in time order, and cut to [start, end]. The chunks
 * do not overlap, so the times come out sorted and the cut is two binary searches.
 */
function seriesColumns(rows: readonly ChunkRow[], start: number, end: number): SampleColumns | null {
  let total = 0;
  for (const row of rows) total += chunkCount(row.bytes);
  const t = new Float64Array(total);
  const v = new Float64Array(total);
  // Chunks usually come in time order (stored ones by their first sample, a head last); each chunk is sorted
  // inside, so the columns are sorted unless a chunk starts before the one decoded ahead of it. Then decode again
  // in order.
  if (!decodeInOrder(rows, t, v)) decodeInOrder(byFirstSample(rows), t, v);
  const from = firstIndexAtOrAfter(t, start);
  const to = firstIndexAfter(t, end);
  if (from >= to) return null;
  return { t: t.subarray(from, to), v: v.subarray(from, to), stale: staleMask(v, from, to) };
}

/** Decodes the chunks one after another into `t` and `v`; false when a chunk started before the previous one ended. */
function decodeInOrder(rows: readonly ChunkRow[], t: Float64Array, v: Float64Array): boolean {
  let n = 0;
  let sorted = true;
  for (const row of rows) {
    const count = decodeChunkInto(row.bytes, t, v, n);
    if (count > 0 && n > 0 && (t[n] as number) < (t[n - 1] as number)) sorted = false;
    n += count;
  }
  return sorted;
}

/** The chunks sorted by their first sample (empty ones anywhere: they add nothing). */
function byFirstSample(rows: readonly ChunkRow[]): ChunkRow[] {
  return rows
    .map((row) => ({ row, first: chunkMinTime(row.bytes) ?? 0 }))
    .sort((a, b) => a.first - b.first)
    .map(({ row }) => row);
}

/** The first index whose time is ≥ `time` (the length when none is). */
function firstIndexAtOrAfter(t: Float64Array, time: number): number {
  let low = 0;
  let high = t.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((t[mid] as number) < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index whose time is > `time` (the length when none is). */
function firstIndexAfter(t: Float64Array, time: number): number {
  let low = 0;
  let high = t.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((t[mid] as number) <= time) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Which of values [from, to) are stale markers, by their bits, or null when none is. Only a high word equal to the
 * marker's (the exponent of an infinity or NaN) needs its low word checked.
 */
function staleMask(v: Float64Array, from: number, to: number): Uint8Array | null {
  const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  let mask: Uint8Array | null = null;
  for (let i = from; i < to; i++) {
    if (words[2 * i + HIGH] === STALE_HIGH && words[2 * i + LOW] === STALE_LOW) {
      mask ??= new Uint8Array(to - from);
      mask[i - from] = 1;
    }
  }
  return mask;
}
