/*
 * Giving the metric store's free space back to the file system (ADR 0017, "Disk"). On SQLite a deleted row's pages
 * go to the file's free list and are reused by later writes, but the file never shrinks by itself: it stays at its
 * high-water mark. Migration 0025 switched the file to `auto_vacuum = INCREMENTAL`, so free pages can be released a
 * few at a time without rewriting the whole file as VACUUM does. PostgreSQL reuses free space through autovacuum
 * and needs nothing here.
 */
import { type Kysely, SqliteAdapter, sql } from 'kysely';

/** Free pages released by one call at most, so the transaction running it stays short; the rest wait for the next. */
const MAX_PAGES_PER_CALL = 4096;
/** Free space is released only once it is more than this share of the file: below it, reusing it is cheaper. */
const FREE_SHARE = 0.1;

/** What `reclaimFreePages` found and did, in pages of `pageSize` bytes. */
export interface ReclaimResult {
  pageSize: number;
  pages: number;
  freeBefore: number;
  released: number;
}

/** Whether the handle (or transaction) runs on SQLite. */
export function onSqlite<DB>(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * Releases free pages of the SQLite file, in `db` (the store's transaction, or the store itself), when they are more
 * than a tenth of the file: down to `keepBytes` (the write-ahead log's recent working set, which the next
 * checkpoint cycle would take from the file again), at most 4,096 pages a call. Answers what it found and released;
 * on PostgreSQL, or on a file still in `auto_vacuum = NONE`, it releases nothing.
 */
export async function reclaimFreePages<DB>(db: Kysely<DB>, keepBytes: number): Promise<ReclaimResult | undefined> {
  if (!onSqlite(db)) return undefined;
  const read = async (pragma: 'auto_vacuum' | 'page_size' | 'page_count' | 'freelist_count') => {
    const { rows } = await sql<Record<string, number>>`select * from ${sql.raw(`pragma_${pragma}`)}`.execute(db);
    return Number(Object.values(rows[0] ?? {})[0] ?? 0);
  };
  // 2 is INCREMENTAL; a file in NONE or FULL mode would ignore incremental_vacuum.
  if ((await read('auto_vacuum')) !== 2) return undefined;
  const pageSize = await read('page_size');
  const pages = await read('page_count');
  const freeBefore = await read('freelist_count');
  const keep = Math.ceil(keepBytes / pageSize);
  let release = 0;
  if (freeBefore > pages * FREE_SHARE && freeBefore > keep) release = Math.min(freeBefore - keep, MAX_PAGES_PER_CALL);
  // Each step of the pragma releases one page, and Kysely steps a statement that returns no columns once.
  for (let i = 0; i < release; i++) await sql`pragma incremental_vacuum(1)`.execute(db);
  return { pageSize, pages, freeBefore, released: release };
}
