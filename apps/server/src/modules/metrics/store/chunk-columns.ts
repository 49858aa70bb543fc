/*
 * Chunks decoded into columns: each series' samples in a time range as typed arrays of times and values, with a mask
 * of Prometheus' stale markers read from the values' bits (a NaN's payload does not survive a JavaScript array).
 */
import { decodeXorChunk, FLOAT_HIGH_WORD as HIGH, isStaleWords, FLOAT_LOW_WORD as LOW } from '@estate/tsdb';
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

/**
 * The samples in [start, end] of every series the chunks belong to, by series id, in time order. Chunks of a series
 * do not overlap, in whatever order they come (a head read from memory comes last). Series without a sample in the
 * range are absent.
 */
export function decodeColumns(chunks: readonly ChunkRow[], start: number, end: number): Map<number, SampleColumns> {
  const bySeries = new Map<number, Array<ReturnType<typeof decodeXorChunk>>>();
  for (const chunk of chunks) {
    const decoded = decodeXorChunk(chunk.bytes);
    const list = bySeries.get(chunk.series_id);
    if (list) list.push(decoded);
    else bySeries.set(chunk.series_id, [decoded]);
  }
  const out = new Map<number, SampleColumns>();
  for (const [id, decoded] of bySeries) {
    decoded.sort((a, b) => (a.timestamps[0] ?? 0) - (b.timestamps[0] ?? 0));
    let total = 0;
    for (const d of decoded) total += d.timestamps.length;
    const t = new Float64Array(total);
    const v = new Float64Array(total);
    let stale: Uint8Array | null = null;
    let n = 0;
    for (const { timestamps, values } of decoded) {
      const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
      for (let i = 0; i < timestamps.length; i++) {
        const ts = timestamps[i] as number;
        if (ts < start || ts > end) continue;
        t[n] = ts;
        v[n] = values[i] as number;
        if (isStaleWords(words[2 * i + HIGH] as number, words[2 * i + LOW] as number)) {
          stale ??= new Uint8Array(total);
          stale[n] = 1;
        }
        n++;
      }
    }
    if (n > 0) out.set(id, { t: t.subarray(0, n), v: v.subarray(0, n), stale: stale ? stale.subarray(0, n) : null });
  }
  return out;
}
