import type { Kysely } from 'kysely';
import type { MetricChunksTable, MetricsTables } from '../metrics.tables';
import { type CompiledMatcher, matchesAll, parseCanonicalSeries } from './label-matchers';
import { MetricQueryError } from './metric-store';
import { ReusedBatch } from './reused-batch';
import { MAX_CHUNK_SPAN_MS } from './series-head';

/** A chunk row as read or written (the tier is `raw`, the column's default). */
export type ChunkRow = Omit<MetricChunksTable, 'tier'>;
/** A chunk's key: its series and its first sample's time. */
export type ChunkKey = Pick<ChunkRow, 'series_id' | 'min_time'>;

/** A new series to create: its canonical text, fingerprint (hex, fingerprintOf) and labels (`__name__` included). */
export interface NewSeries {
  canonical: string;
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
}

/** A stored series: its id and canonical text (the labels, parseCanonicalSeries). */
export interface StoredSeries {
  id: number;
  canonical: string;
}

/** The rows the writes below send, in the order their statements bind the values. */
type SeriesRow = { labels: string; fingerprint: Buffer; created_at: number };
type StoredChunk = { series_id: number; min_time: number; max_time: number; count: number; bytes: Buffer };

/** Rows per statement, well under both engines' bind-parameter limits. */
const ROWS_PER_INSERT = 500;
const IDS_PER_QUERY = 500;

function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The metric store's SQL: the series index and chunks, on either engine. Runs in the executor it is given. */
export class MetricStoreRepository {
  /** Full batches of the writes an append or a checkpoint sends one of per 500 series (see reused-batch.ts). */
  private readonly seriesRows = new ReusedBatch<SeriesRow>(ROWS_PER_INSERT, (r, into) => into.push(r.labels, r.fingerprint, r.created_at));
  private readonly chunkRows = new ReusedBatch<StoredChunk>(ROWS_PER_INSERT, (r, into) =>
    into.push(r.series_id, r.min_time, r.max_time, r.count, r.bytes),
  );

  constructor(private readonly db: Kysely<MetricsTables>) {}

  /** Series stored, counted once when the store opens (the cap is checked against it). */
  async countSeries(db = this.db): Promise<number> {
    const row = await db
      .selectFrom('metric_series')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The ids of the stored series among `fingerprints` (hex), by fingerprint. */
  async findSeries(fingerprints: readonly string[], db = this.db): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const batch of batches(fingerprints, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('metric_series')
        .select(['id', 'fingerprint'])
        .where('fingerprint', 'in', batch.map(fingerprintBytes))
        .execute();
      for (const r of rows) found.set(fingerprintHex(r.fingerprint), Number(r.id));
    }
    return found;
  }

  /** The canonical label text of the stored series among `ids`, by id. */
  async seriesByIds(ids: readonly number[], db = this.db): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    for (const batch of batches(ids, IDS_PER_QUERY)) {
      const rows = await db.selectFrom('metric_series').select(['id', 'labels']).where('id', 'in', batch).execute();
      for (const r of rows) found.set(Number(r.id), r.labels);
    }
    return found;
  }

  /** The newest chunk of each series that has one: its open head, or the full chunk the next sample follows. */
  async latestChunks(ids: readonly number[], db = this.db): Promise<ChunkRow[]> {
    const out: ChunkRow[] = [];
    for (const batch of batches(ids, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('metric_chunks as c')
        .select(['c.series_id', 'c.min_time', 'c.max_time', 'c.count', 'c.bytes'])
        .where('c.series_id', 'in', batch)
        .where('c.min_time', '=', (eb) =>
          eb
            .selectFrom('metric_chunks as l')
            .select((e) => e.fn.max('l.min_time').as('m'))
            .whereRef('l.series_id', '=', 'c.series_id'),
        )
        .execute();
      out.push(...rows.map(readChunk));
    }
    return out;
  }

  /**
   * Creates series in `trx`; a series another writer created first is found instead. Answers the id of every
   * fingerprint.
   */
  async createSeries(trx: Kysely<MetricsTables>, series: readonly NewSeries[], now: number): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const seriesRows = series.map(
      (s): SeriesRow => ({ labels: s.canonical, fingerprint: fingerprintBytes(s.fingerprint), created_at: now }),
    );
    for (const batch of batches(seriesRows, ROWS_PER_INSERT)) {
      const { rows: created } = await this.seriesRows.execute(trx, batch, (b) =>
        trx
          .insertInto('metric_series')
          .values([...b])
          .onConflict((oc) => oc.column('fingerprint').doNothing())
          .returning(['id', 'fingerprint']),
      );
      for (const r of created) ids.set(fingerprintHex(r.fingerprint), Number(r.id));
    }
    const raced = series.filter((s) => !ids.has(s.fingerprint)).map((s) => s.fingerprint);
    if (raced.length > 0) for (const [f, id] of await this.findSeries(raced, trx)) ids.set(f, id);
    return ids;
  }

  /** Writes chunks in `trx`, replacing the stored chunk of the same series and start (a head that grew). */
  async writeChunks(trx: Kysely<MetricsTables>, chunks: readonly ChunkRow[]): Promise<void> {
    for (const batch of batches(chunks, ROWS_PER_INSERT)) {
      const rows = batch.map(
        (c): StoredChunk => ({
          series_id: c.series_id,
          min_time: c.min_time,
          max_time: c.max_time,
          count: c.count,
          bytes: Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength),
        }),
      );
      await this.chunkRows.execute(trx, rows, (b) =>
        trx
          .insertInto('metric_chunks')
          .values([...b])
          .onConflict((oc) =>
            oc.columns(['series_id', 'min_time']).doUpdateSet((eb) => ({
              max_time: eb.ref('excluded.max_time'),
              count: eb.ref('excluded.count'),
              bytes: eb.ref('excluded.bytes'),
            })),
          ),
      );
    }
  }

  /**
   * Writes sealed chunks (which will not change again) in `trx` as new rows, replacing a stored head of the same
   * series and start: deleted and inserted rather than updated in place, so that on SQLite they take the next row
   * ids and fill pages at the table's end, instead of growing in the pages that growing heads keep splitting.
   */
  async writeSealedChunks(trx: Kysely<MetricsTables>, chunks: readonly ChunkRow[]): Promise<void> {
    for (const batch of batches(chunks, ROWS_PER_INSERT)) {
      await trx
        .deleteFrom('metric_chunks')
        .where(({ eb, refTuple, tuple }) =>
          eb(
            refTuple('series_id', 'min_time'),
            'in',
            batch.map((c) => tuple(c.series_id, c.min_time)),
          ),
        )
        .execute();
    }
    await this.writeChunks(trx, chunks);
  }

  /**
   * The series matching every matcher, with all their labels, read from the canonical texts of every stored series:
   * the path of `deleteSeries`, which must see the database as its transaction does (the in-memory index may be
   * behind another process), and is an administrator's rare act. Refuses matchers that all match the empty string:
   * they would select every series.
   */
  async matchSeries(matchers: readonly CompiledMatcher[], db = this.db): Promise<Array<{ id: number; labels: Record<string, string> }>> {
    if (matchers.every((m) => m.matchesEmpty)) throw new MetricQueryError('at least one matcher must not match the empty string');
    const out: Array<{ id: number; labels: Record<string, string> }> = [];
    for (const s of await this.seriesAbove(undefined, db)) {
      const labels = parseCanonicalSeries(s.canonical);
      if (matchesAll(matchers, labels)) out.push({ id: s.id, labels });
    }
    return out;
  }

  /**
   * The series whose id is above `floor` (every series when it is undefined), by id: what the in-memory index is
   * loaded and caught up from. Series ids are positive, so an id is never at or below 0.
   */
  async seriesAbove(floor: number | undefined, db = this.db): Promise<StoredSeries[]> {
    let query = db.selectFrom('metric_series').select(['id', 'labels']);
    if (floor !== undefined) query = query.where('id', '>', floor);
    return (await query.orderBy('id').execute()).map((r) => ({ id: Number(r.id), canonical: r.labels }));
  }

  /** How many times series were deleted from the store (migration 0034); 0 before the first. */
  async seriesDeletions(db = this.db): Promise<number> {
    const row = await db.selectFrom('metric_series_deletions').select('deletions').where('id', '=', 1).executeTakeFirst();
    return row ? Number(row.deletions) : 0;
  }

  /** Counts one deletion of series, in the deleting transaction; answers the count after it. */
  async countSeriesDeletion(trx: Kysely<MetricsTables>): Promise<number> {
    const row = await trx
      .insertInto('metric_series_deletions')
      .values({ id: 1, deletions: 1 })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ deletions: eb('metric_series_deletions.deletions', '+', 1) })))
      .returning('deletions')
      .executeTakeFirstOrThrow();
    return Number(row.deletions);
  }

  /** The chunks of `ids` that overlap [start, end], in each series' time order. */
  async chunksOf(ids: readonly number[], start: number, end: number, db = this.db): Promise<ChunkRow[]> {
    const out: ChunkRow[] = [];
    for (const batch of batches(ids, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('metric_chunks')
        .select(['series_id', 'min_time', 'max_time', 'count', 'bytes'])
        .where('series_id', 'in', batch)
        .where('max_time', '>=', start)
        .where('min_time', '<=', end)
        .orderBy('series_id')
        .orderBy('min_time')
        .execute();
      out.push(...rows.map(readChunk));
    }
    return out;
  }

  /**
   * The keys of the chunks of `ids` that may overlap [start, end], sorted by series then time: read from the primary
   * key's index alone. A chunk spans less than MAX_CHUNK_SPAN_MS (series-head.ts), so one starting that long before
   * `start` ends before it.
   */
  async chunkKeys(ids: readonly number[], start: number, end: number, db = this.db): Promise<ChunkKey[]> {
    const out: ChunkKey[] = [];
    for (const batch of batches(ids, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('metric_chunks')
        .select(['series_id', 'min_time'])
        .where('series_id', 'in', batch)
        .where('min_time', '>', start - MAX_CHUNK_SPAN_MS)
        .where('min_time', '<=', end)
        .orderBy('series_id')
        .orderBy('min_time')
        .execute();
      for (const r of rows) out.push({ series_id: Number(r.series_id), min_time: Number(r.min_time) });
    }
    return out;
  }

  /** The chunks at `keys` that end at or after `start`. */
  async chunksAt(keys: readonly ChunkKey[], start: number, db = this.db): Promise<ChunkRow[]> {
    const out: ChunkRow[] = [];
    for (const batch of batches(keys, IDS_PER_QUERY)) {
      const rows = await db
        .selectFrom('metric_chunks')
        .select(['series_id', 'min_time', 'max_time', 'count', 'bytes'])
        .where(({ eb, refTuple, tuple }) =>
          eb(
            refTuple('series_id', 'min_time'),
            'in',
            batch.map((k) => tuple(k.series_id, k.min_time)),
          ),
        )
        .where('max_time', '>=', start)
        .execute();
      out.push(...rows.map(readChunk));
    }
    return out;
  }

  /** Deletes raw chunks that end before `cutoff` (epoch ms); answers how many. */
  async deleteChunksBefore(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('metric_chunks').where('tier', '=', 'raw').where('max_time', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes series, their chunks and rollups, in `trx`. */
  async deleteSeries(trx: Kysely<MetricsTables>, ids: readonly number[]): Promise<void> {
    for (const batch of batches(ids, IDS_PER_QUERY)) {
      await trx.deleteFrom('metric_chunks').where('series_id', 'in', batch).execute();
      await trx.deleteFrom('metric_rollups').where('series_id', 'in', batch).execute();
      await trx.deleteFrom('metric_rollup_late').where('series_id', 'in', batch).execute();
      await trx.deleteFrom('metric_series').where('id', 'in', batch).execute();
    }
  }
}

/** A fingerprint as stored (migration 0036): its 16 bytes. */
function fingerprintBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

function fingerprintHex(stored: Uint8Array): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex');
}

function readChunk(r: ChunkRow): ChunkRow {
  return {
    series_id: Number(r.series_id),
    min_time: Number(r.min_time),
    max_time: Number(r.max_time),
    count: Number(r.count),
    bytes: r.bytes,
  };
}
