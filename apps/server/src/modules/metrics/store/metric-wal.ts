/*
 * The metric store's write-ahead log (ADR 0017): each append's samples as one row of `metric_wal`, written in the
 * append's transaction, so an acknowledged sample is durable without rewriting every series' open head chunk. The
 * heads are written to `metric_chunks` at a checkpoint, which deletes the rows it covers; after a crash the rows left
 * are replayed onto the heads read back from their newest chunks.
 *
 * A row's bytes: u32 count, then per sample u32 series id, f64 time (ms), and the value as its two 32-bit words, all
 * little-endian. The words are written from the value's bits, or as the stale marker's, so the marker survives.
 */
import { STALE_BITS } from '@estate/tsdb';
import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';

const RECORD_BYTES = 4 + 8 + 8;

/** One sample as the log keeps it. */
export interface WalRecord {
  seriesId: number;
  t: number;
  v: number;
  stale: boolean;
}

/** Records in columns, as an append collects them (no object per sample): record i is the i-th of each. */
export interface WalColumns {
  length: number;
  seriesIds: ArrayLike<number>;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
  /** 1 for the stale marker. */
  stale: ArrayLike<number>;
}

/** Encodes records into one row's bytes. */
export function encodeWal(records: readonly WalRecord[]): Uint8Array {
  return encodeWalColumns({
    length: records.length,
    seriesIds: records.map((r) => r.seriesId),
    t: records.map((r) => r.t),
    v: records.map((r) => r.v),
    stale: records.map((r) => (r.stale ? 1 : 0)),
  });
}

/** Encodes records in columns into one row's bytes (the one encoder of the format). */
export function encodeWalColumns(records: WalColumns): Uint8Array {
  const bytes = new Uint8Array(4 + records.length * RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, records.length, true);
  let at = 4;
  for (let i = 0; i < records.length; i++) {
    view.setUint32(at, records.seriesIds[i] as number, true);
    view.setFloat64(at + 4, records.t[i] as number, true);
    if (records.stale[i] === 1) {
      view.setUint32(at + 12, STALE_BITS[1], true);
      view.setUint32(at + 16, STALE_BITS[0], true);
    } else view.setFloat64(at + 12, records.v[i] as number, true);
    at += RECORD_BYTES;
  }
  return bytes;
}

/** Decodes one row's bytes; throws on a row whose length does not match its count. */
export function decodeWal(bytes: Uint8Array): WalRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (bytes.byteLength !== 4 + count * RECORD_BYTES)
    throw new Error(`metric WAL row of ${bytes.byteLength} bytes cannot hold ${count} samples`);
  const out: WalRecord[] = new Array(count);
  let at = 4;
  for (let i = 0; i < count; i++) {
    const stale = view.getUint32(at + 12, true) === STALE_BITS[1] && view.getUint32(at + 16, true) === STALE_BITS[0];
    out[i] = { seriesId: view.getUint32(at, true), t: view.getFloat64(at + 4, true), v: view.getFloat64(at + 12, true), stale };
    at += RECORD_BYTES;
  }
  return out;
}

/** The log's SQL. */
export class MetricWalRepository {
  /** Bytes written since the last truncate, and the most one cycle (writes between two truncates) held since `takePeakBytes`. */
  private cycleBytes = 0;
  private peakBytes = 0;

  constructor(private readonly db: Kysely<MetricsTables>) {}

  /**
   * The most bytes of rows one cycle of the log held (from a write after a truncate to the next truncate) since the
   * last call, and starts counting again: the space the log will take from the database file again soon, which
   * `reclaimFreePages` keeps. Counts what this process wrote; rows replayed after a restart are not counted.
   */
  takePeakBytes(): number {
    const peak = Math.max(this.peakBytes, this.cycleBytes);
    this.peakBytes = 0;
    return peak;
  }

  /** Adds one row in `trx`. */
  async write(trx: Kysely<MetricsTables>, records: readonly WalRecord[] | WalColumns): Promise<void> {
    if (records.length === 0) return;
    const bytes = Array.isArray(records) ? encodeWal(records as readonly WalRecord[]) : encodeWalColumns(records as WalColumns);
    await trx
      .insertInto('metric_wal')
      .values({ bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })
      .execute();
    this.cycleBytes += bytes.byteLength;
  }

  /** Every record of every row, oldest first. */
  async readAll(db = this.db): Promise<{ records: WalRecord[] }> {
    const rows = await db.selectFrom('metric_wal').select(['id', 'bytes']).orderBy('id').execute();
    const records: WalRecord[] = [];
    for (const row of rows) for (const r of decodeWal(row.bytes)) records.push(r);
    return { records };
  }

  /** Deletes every row, in `trx`: the checkpoint running in it has written what they hold. */
  async truncate(trx: Kysely<MetricsTables>): Promise<void> {
    await trx.deleteFrom('metric_wal').execute();
    this.peakBytes = Math.max(this.peakBytes, this.cycleBytes);
    this.cycleBytes = 0;
  }
}
