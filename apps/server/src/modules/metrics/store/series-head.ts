/*
 * A series' open end in memory: the encoder of its newest chunk and its newest sample, and the rules for growing it
 * (cut a new chunk past 120 samples or two hours; keep the stale marker's bits). The head grows as an XOR chunk; a
 * chunk cut off is sealed into the smallest format (`sealChunk`: decimal values as scaled integers, ADR 0017).
 */
import {
  decodeChunk,
  decodeXorChunk,
  encoderOf,
  FLOAT_HIGH_WORD as HIGH,
  isStaleWords,
  FLOAT_LOW_WORD as LOW,
  sealChunk,
  XorChunkEncoder,
} from '@estate/tsdb';
import type { MetricSample } from './metric-store';
import type { ChunkRow } from './metric-store.repository';

/** Samples per chunk before a new one is cut (Prometheus' figure: about 1 bit per sample more would not pay). */
export const MAX_CHUNK_SAMPLES = 120;
/** The longest time a chunk spans before a new one is cut, in ms. */
export const MAX_CHUNK_SPAN_MS = 2 * 3_600_000;

export interface SeriesHead {
  /** The series' id; -1 until the append that creates it commits. */
  id: number;
  canonical: string;
  head: XorChunkEncoder;
  lastT: number;
  lastV: number;
  /** The newest sample is the stale marker (its bits are not kept in `lastV`). */
  lastStale: boolean;
  /** Grown since its chunk row was last written: the write-ahead log holds what the row lacks. */
  dirty: boolean;
  /** The stamp of the last append that grew it (the store's count of appends), to list it once per append. */
  touchedIn: number;
  /** No chunk of the series comes before the head: it holds every sample (a new series, until its first cut). */
  wholeSeries: boolean;
}

const bits = new Float64Array(2);
const words = new Uint32Array(bits.buffer);

function sameBits(a: number, b: number): boolean {
  bits[0] = a;
  bits[1] = b;
  return words[0] === words[2] && words[1] === words[3];
}

/** Whether a sample is the stale marker: said so, or a value with the marker's bits. */
export function isStaleSample(s: MetricSample): boolean {
  if (s.stale === true) return true;
  if (!Number.isNaN(s.v)) return false;
  bits[0] = s.v;
  return isStaleWords(words[HIGH] as number, words[LOW] as number);
}

/** A series with no sample yet. */
export function emptyHead(id: number, canonical: string): SeriesHead {
  return {
    id,
    canonical,
    head: new XorChunkEncoder(),
    lastT: Number.NEGATIVE_INFINITY,
    lastV: 0,
    lastStale: false,
    dirty: false,
    touchedIn: 0,
    wholeSeries: true,
  };
}

/** A series whose newest stored chunk is `bytes` (of either format: a sealed one is reopened as XOR). */
export function headFromChunk(id: number, canonical: string, bytes: Uint8Array, maxTime: number): SeriesHead {
  const { values } = decodeChunk(bytes);
  const last = values.length - 1;
  const w32 = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  return {
    id,
    canonical,
    head: encoderOf(bytes),
    lastT: maxTime,
    lastV: values[last] as number,
    lastStale: isStaleWords(w32[2 * last + HIGH] as number, w32[2 * last + LOW] as number),
    dirty: false,
    touchedIn: 0,
    wholeSeries: false,
  };
}

/** Whether (v, stale) is the series' newest sample's value, bit for bit. */
export function sameAsLast(series: SeriesHead, v: number, stale: boolean): boolean {
  return stale ? series.lastStale : !series.lastStale && sameBits(v, series.lastV);
}

/**
 * Appends a sample after the newest one (the caller has checked the order). Answers the chunk it cut off when the
 * head was full, which must be written as it is: the head now starts a new chunk.
 */
export function growHead(series: SeriesHead, t: number, v: number, stale: boolean): XorChunkEncoder | undefined {
  const head = series.head;
  let cut: XorChunkEncoder | undefined;
  if (head.count >= MAX_CHUNK_SAMPLES || (head.minTime !== undefined && t - head.minTime >= MAX_CHUNK_SPAN_MS)) {
    cut = head;
    series.head = new XorChunkEncoder();
    series.wholeSeries = false;
  }
  series.head.append(t, v, stale);
  series.lastT = t;
  series.lastV = v;
  series.lastStale = stale;
  return cut;
}

/**
 * A chunk row of a sealed chunk of the series (one cut off its head, which will not grow again), in whichever
 * format is smaller.
 */
export function sealedChunkRow(seriesId: number, encoder: XorChunkEncoder): ChunkRow {
  return { ...chunkRow(seriesId, encoder), bytes: sealChunk(encoder.bytes()) };
}

/** A chunk row of an encoder of the series, as it is (XOR): a head, which may grow. */
export function chunkRow(seriesId: number, encoder: XorChunkEncoder): ChunkRow {
  return {
    series_id: seriesId,
    min_time: encoder.minTime as number,
    max_time: encoder.maxTime as number,
    count: encoder.count,
    bytes: encoder.bytes(),
  };
}

/** Whether the series' head chunk holds exactly this sample (same time, same value bits): a resend. */
export function headHolds(
  series: SeriesHead,
  t: number,
  v: number,
  stale: boolean,
  decoded: Map<XorChunkEncoder, ReturnType<typeof decodeXorChunk>>,
): boolean {
  const head = series.head;
  if (head.minTime === undefined || t < head.minTime) return false;
  let chunk = decoded.get(head);
  if (!chunk) {
    chunk = decodeXorChunk(head.bytes());
    decoded.set(head, chunk);
  }
  const { timestamps, values } = chunk;
  let lo = 0;
  let hi = timestamps.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = timestamps[mid] as number;
    if (at < t) lo = mid + 1;
    else if (at > t) hi = mid - 1;
    else {
      const w32 = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
      const storedStale = isStaleWords(w32[2 * mid + HIGH] as number, w32[2 * mid + LOW] as number);
      return stale ? storedStale : !storedStale && sameBits(v, values[mid] as number);
    }
  }
  return false;
}
