/*
 * Sealed chunks kept in memory, so a repeated query (a dashboard refreshing, a rule over a long range) reads only
 * which chunks exist from the database — a walk of the chunk table's primary-key index — and not every chunk's row.
 * Fetching a chunk's bytes costs a lookup in the table for each one: rows are stored in the order checkpoints wrote
 * them, so a series' chunks lie far apart, and on SQLite that was most of a query over many series.
 *
 * A chunk is sealed once a later chunk of its series is stored: samples are only ever appended in time order, so a
 * checkpoint rewrites a series' newest row alone, and a row with a later one after it never changes again. A sealed
 * chunk can still disappear (retention, a deleted series) — a key that is no longer listed is simply not asked for —
 * but its key could name another chunk only if a deleted series' id were given again (SQLite may reuse the highest
 * id): the store clears this cache whenever it deletes series or its series index is rebuilt after another process
 * deleted some.
 */
import type { ChunkKey, ChunkRow } from './metric-store.repository';

/** Default budget, in bytes of chunk payload (entries cost some 100 bytes more each). */
export const SEALED_CHUNK_CACHE_BYTES = 64 * 1024 * 1024;
const ENTRY_OVERHEAD = 100;

/** A series' cached sealed chunks by their first time; the cache evicts whole series, least recently read first. */
type SeriesChunks = Map<number, ChunkRow>;

export class SealedChunkCache {
  /** In order of last use: a read moves its series to the end. */
  private readonly series = new Map<number, SeriesChunks>();
  private bytes = 0;

  constructor(private readonly budget = SEALED_CHUNK_CACHE_BYTES) {}

  /** Bytes held, overhead included. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Splits the chunks listed for a read (every stored key of the series up to the read's end, sorted by series then
   * time) into those held here and overlapping [start, end], and the keys to fetch: those not held, except sealed ones
   * known to end before `start`. The newest key of each series is never held: it may still grow.
   */
  plan(keys: readonly ChunkKey[], start: number): { held: ChunkRow[]; fetch: ChunkKey[] } {
    const held: ChunkRow[] = [];
    const fetch: ChunkKey[] = [];
    let chunks: SeriesChunks | undefined;
    let current = Number.NaN;
    for (const key of keys) {
      if (key.series_id !== current) {
        current = key.series_id;
        chunks = this.series.get(current);
        if (chunks) {
          this.series.delete(current);
          this.series.set(current, chunks);
        }
      }
      const row = chunks?.get(key.min_time);
      if (!row) fetch.push(key);
      else if (row.max_time >= start) held.push(row);
    }
    return { held, fetch };
  }

  /** Keeps the fetched rows that are sealed: those `keys` (as given to `plan`) list a later chunk of the same series after. */
  keep(keys: readonly ChunkKey[], fetched: readonly ChunkRow[]): void {
    const newest = new Map<number, number>();
    for (const k of keys) newest.set(k.series_id, Math.max(newest.get(k.series_id) ?? Number.NEGATIVE_INFINITY, k.min_time));
    for (const row of fetched) {
      if (row.min_time >= (newest.get(row.series_id) ?? Number.NEGATIVE_INFINITY)) continue;
      let chunks = this.series.get(row.series_id);
      if (!chunks) {
        chunks = new Map();
        this.series.set(row.series_id, chunks);
      }
      if (chunks.has(row.min_time)) continue;
      chunks.set(row.min_time, row);
      this.bytes += row.bytes.byteLength + ENTRY_OVERHEAD;
    }
    for (const [id, chunks] of this.series) {
      if (this.bytes <= this.budget) break;
      for (const row of chunks.values()) this.bytes -= row.bytes.byteLength + ENTRY_OVERHEAD;
      this.series.delete(id);
    }
  }

  /** Forgets everything (series were deleted, here or elsewhere). */
  clear(): void {
    this.series.clear();
    this.bytes = 0;
  }
}
