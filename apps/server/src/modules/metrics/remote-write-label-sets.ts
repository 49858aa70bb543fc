/*
 * The label sets a remote_write receiver has met, by the bytes they were sent as. A sender writes the same series
 * every scrape, so nearly every series of a request is one seen before: recognised by its bytes, it costs no
 * string decoding, no checking and no object, and the store is handed the very labels object it met last time
 * (which lets the store skip its own checking too). Only what the labels are is remembered, never whether the
 * store holds the series: deleting or pruning a series leaves nothing here to go stale.
 */
import type { WriteColumns } from '@estate/tsdb';

/** A series' labels as the store takes them (frozen: shared by every request that sends them), or why they are refused. */
export type ReceivedLabels = Readonly<Record<string, string>> | string;

/**
 * How many label sets are remembered at most, by default: at least the 250,000 met most recently stay known. One
 * costs some 350 bytes (node_exporter-like labels), so a full table takes under 200 MB.
 */
export const KNOWN_LABEL_SETS = 500_000;
/** Bytes of label sets one generation keeps at most. */
const GENERATION_BYTES = 32 * 1024 * 1024;
/** A label set longer than this is read every time rather than kept. */
const LONGEST_KEY = 16 * 1024;

interface Entry {
  /** Where the label set's bytes are in its generation's arena, and how many. */
  at: number;
  length: number;
  labels: ReceivedLabels;
  /** The next entry with the same hash. */
  next: Entry | undefined;
}

/** Label sets by hash, their bytes one after another in one arena (no object per key). */
class Generation {
  readonly entries = new Map<number, Entry>();
  count = 0;
  used = 0;
  private arena = new Uint8Array(64 * 1024);
  private view = new DataView(this.arena.buffer);

  find(hash: number, view: DataView, bytes: Uint8Array, start: number, end: number): Entry | undefined {
    for (let e = this.entries.get(hash); e; e = e.next) if (e.length === end - start && this.holds(e.at, view, bytes, start, end)) return e;
    return undefined;
  }

  add(hash: number, bytes: Uint8Array, start: number, end: number, labels: ReceivedLabels): void {
    const length = end - start;
    if (this.used + length > this.arena.length) {
      const next = new Uint8Array(Math.max(this.used + length, this.arena.length * 2));
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
      this.view = new DataView(next.buffer);
    }
    this.arena.set(bytes.subarray(start, end), this.used);
    this.entries.set(hash, { at: this.used, length, labels, next: this.entries.get(hash) });
    this.used += length;
    this.count++;
  }

  /** Whether the arena holds `bytes[start, end)` at `at` (same length assumed), compared a word at a time. */
  private holds(at: number, view: DataView, bytes: Uint8Array, start: number, end: number): boolean {
    let k = start;
    let a = at;
    for (; k + 4 <= end; k += 4, a += 4) if (view.getInt32(k) !== this.view.getInt32(a)) return false;
    for (; k < end; k++, a++) if (bytes[k] !== this.arena[a]) return false;
    return true;
  }
}

/** A hash of `bytes[start, end)`, a word at a time; a small integer (30 bits), which a Map keeps without boxing. */
export function hashOf(view: DataView, bytes: Uint8Array, start: number, end: number): number {
  // Two lanes, so the multiplies of neighbouring words do not wait on each other.
  let a = 0x811c9dc5 ^ (end - start);
  let b = 0x01000193;
  let k = start;
  for (; k + 8 <= end; k += 8) {
    a = Math.imul(a ^ view.getInt32(k), 0x01000193);
    b = Math.imul(b ^ view.getInt32(k + 4), 0x85ebca6b);
    a ^= a >>> 15;
    b ^= b >>> 13;
  }
  for (; k < end; k++) a = Math.imul(a ^ (bytes[k] as number), 0x01000193);
  const h = Math.imul(a ^ (b >>> 7) ^ (b << 11), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/**
 * A bounded table of label sets, by their bytes. It holds two generations: new and recently met label sets go into
 * the young one, which becomes the old one when it holds half the capacity (or its bytes budget), the old one
 * before it being dropped. So memory stays bounded and a sender's active series, if they fit, stay known; a label
 * set not sent for a while is forgotten and, if it comes again, read afresh.
 */
export class KnownLabelSets {
  private young = new Generation();
  private old = new Generation();

  constructor(
    /** What a label set, as sent, is for the store: a pure function, since its answer is kept. */
    private readonly parse: (labels: Array<[string, string]>) => ReceivedLabels,
    private readonly capacity = KNOWN_LABEL_SETS,
  ) {}

  /** Label sets remembered now (one met in both generations counts twice). */
  get size(): number {
    return this.young.count + this.old.count;
  }

  /**
   * The labels of every series of a request, by index: remembered, or read from the request (which throws
   * ProtobufError when a label is not UTF-8), parsed, and remembered.
   */
  labelsOf(columns: WriteColumns): ReceivedLabels[] {
    const out: ReceivedLabels[] = new Array(columns.seriesCount);
    const bytes = columns.keyBytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bounds = columns.keyBounds;
    for (let i = 0; i < columns.seriesCount; i++) {
      const start = bounds[2 * i] as number;
      const end = bounds[2 * i + 1] as number;
      if (start < 0 || end - start > LONGEST_KEY) {
        out[i] = this.parse(columns.labels(i));
        continue;
      }
      const hash = hashOf(view, bytes, start, end);
      const known = this.young.find(hash, view, bytes, start, end);
      if (known) {
        out[i] = known.labels;
        continue;
      }
      // Met before the young generation began, or never: either way it is young now.
      const labels = this.old.find(hash, view, bytes, start, end)?.labels ?? this.parse(columns.labels(i));
      this.young.add(hash, bytes, start, end, labels);
      if (this.young.count >= this.capacity / 2 || this.young.used >= GENERATION_BYTES) {
        this.old = this.young;
        this.young = new Generation();
      }
      out[i] = labels;
    }
    return out;
  }
}
