import type { decodeXorChunk, XorChunkEncoder } from '@estate/tsdb';
import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';
import { type ColumnarSeries, decodeColumns } from './chunk-columns';
import { type CompiledMatcher, canonicalSeries, compileMatchers, fingerprintOf } from './label-matchers';
import { LiveSeriesIndex } from './live-series-index';
import { reclaimFreePages } from './metric-compaction';
import { MetricRollups, type MetricRollupsOptions } from './metric-rollups';
import type {
  AppendResult,
  LabelMatcher,
  MetricSample,
  MetricStore,
  RollupTier,
  SampleColumns,
  SeriesRollup,
  SeriesSamples,
} from './metric-store';
import { type ChunkRow, MetricStoreRepository, type NewSeries } from './metric-store.repository';
import { MetricWalRepository } from './metric-wal';
import { bucketEnd } from './rollup-codec';
import { SEALED_CHUNK_CACHE_BYTES, SealedChunkCache } from './sealed-chunk-cache';
import {
  chunkRow,
  emptyHead,
  growHead,
  headFromChunk,
  headHolds,
  isStaleSample,
  MAX_CHUNK_SAMPLES,
  type SeriesHead,
  sameAsLast,
  sealedChunkRow,
} from './series-head';
import type { IndexedSeries, SeriesIndex } from './series-index';

export type { ColumnarSeries } from './chunk-columns';
export { MAX_CHUNK_SAMPLES, MAX_CHUNK_SPAN_MS } from './series-head';

/** Appends between checkpoints at most, and the longest time between two, in ms. */
const CHECKPOINT_EVERY_APPENDS = 64;
const CHECKPOINT_EVERY_MS = 60_000;

/** Limits of the embedded store. */
export interface EmbeddedMetricStoreOptions {
  /** Series the store holds at most; a sample of a new series past it is refused. Default 1,000,000. */
  maxSeries?: number;
  /** Labels a series has at most, `__name__` included. Default 64. */
  maxLabelsPerSeries?: number;
  /** Characters a label value has at most; longer ones are refused as invalid. Default 4,096. */
  maxLabelValueLength?: number;
  /**
   * Keep acknowledged samples in the write-ahead log until a checkpoint (default), or write every grown head at
   * once (the migration that moved agent samples in runs before the log's table exists).
   */
  writeAheadLog?: boolean;
  /** The clock for series' creation times, checkpoints and the rollup job. */
  now?: () => number;
  /** The rollup job's tuning (ADR 0018). */
  rollups?: Omit<MetricRollupsOptions, 'now' | 'beforeRun'>;
  /**
   * Least time between two looks for series other processes created or deleted, in ms of `now` (ADR 0026). Series
   * this store creates or deletes are seen by its next read whatever this is. Default 1,000; 0 looks at every read.
   */
  seriesRefreshMs?: number;
  /** Bytes of sealed chunks kept in memory for reads (sealed-chunk-cache.ts); 0 keeps none. Default 64 MiB. */
  chunkCacheBytes?: number;
}

/** How long an id another process skipped is looked for again (a PostgreSQL transaction committing late), ms. */
const SKIPPED_ID_WAIT_MS = 60_000;

/**
 * The metric store in the primary database (ADR 0017). Each series' newest chunk is its head, kept in memory as an
 * encoder to append to. An append writes its samples as one row of the write-ahead log (and any chunk it cut, and
 * any series it created) in one transaction before it resolves, so an acknowledged sample is on disk and a crash
 * loses none. A checkpoint (every 64 appends or minute, and on `flush`) writes the grown heads into their chunk rows
 * and empties the log; after a crash the log is replayed onto the heads read back from their chunks. Appends run one
 * at a time; reads see the heads in memory over the rows.
 *
 * One process writes a store: two processes appending to the same series over PostgreSQL would overwrite each
 * other's head chunk, and another process reads samples since the last checkpoint only after the next (the
 * remote-write path past one machine is the `prometheus` implementation).
 */
export class EmbeddedMetricStore implements MetricStore {
  private readonly repo: MetricStoreRepository;
  private readonly wal: MetricWalRepository;
  /** Every series' labels and postings, in memory (ADR 0026): what matchers are answered from. */
  private readonly index: LiveSeriesIndex;
  /** Sealed chunks read before, and the index they were read under (a rebuilt index means series were deleted). */
  private readonly sealed: SealedChunkCache | undefined;
  private sealedUnder: SeriesIndex | undefined;
  /** Full heads a committed checkpoint stored sealed: cutting them writes nothing more. */
  private readonly storedSealed = new WeakSet<XorChunkEncoder>();
  /** Compiled forms of frozen matcher lists (see `compiled`). */
  private readonly compiledMatchers = new WeakMap<readonly LabelMatcher[], CompiledMatcher[]>();
  /** The rollup tiers: their job, reads and pruning (ADR 0018). */
  readonly rollups: MetricRollups;
  private readonly heads = new Map<string, SeriesHead>();
  private readonly byId = new Map<number, SeriesHead>();
  private readonly dirty = new Set<SeriesHead>();
  /**
   * Frozen label objects that passed the label checks: their series key and, while `epoch` holds, their head. A
   * receiver hands the same frozen object for every sample of a series it knows, so a known series' sample is
   * placed without canonicalising, checking or looking up its labels again.
   */
  private readonly checkedLabels = new WeakMap<object, { key: string; head: SeriesHead | undefined; epoch: number }>();
  /** Bumped whenever heads are dropped, so a head remembered under an older epoch is looked up again. */
  private epoch = 0;
  /** Appends so far: the stamp a head grown by the current one carries (`touchedIn`). */
  private appends = 0;
  private readonly maxSeries: number;
  private readonly maxLabels: number;
  private readonly maxValueLength: number;
  private readonly useWal: boolean;
  private readonly now: () => number;
  private seriesCount: number | undefined;
  private replayed = false;
  private appendsSinceCheckpoint = 0;
  private lastCheckpoint: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<MetricsTables>,
    options: EmbeddedMetricStoreOptions = {},
  ) {
    this.repo = new MetricStoreRepository(db);
    this.wal = new MetricWalRepository(db);
    this.maxSeries = options.maxSeries ?? 1_000_000;
    this.maxLabels = options.maxLabelsPerSeries ?? 64;
    this.maxValueLength = options.maxLabelValueLength ?? 4096;
    this.useWal = options.writeAheadLog ?? true;
    this.now = options.now ?? Date.now;
    this.lastCheckpoint = this.now();
    this.index = new LiveSeriesIndex(this.repo, {
      now: this.now,
      refreshMs: options.seriesRefreshMs ?? 1_000,
      gapWaitMs: SKIPPED_ID_WAIT_MS,
    });
    this.rollups = new MetricRollups(db, { ...options.rollups, now: this.now, beforeRun: () => this.flush() });
    const cacheBytes = options.chunkCacheBytes ?? SEALED_CHUNK_CACHE_BYTES;
    this.sealed = cacheBytes > 0 ? new SealedChunkCache(cacheBytes) : undefined;
  }

  append(samples: readonly MetricSample[]): Promise<AppendResult> {
    return this.inTransaction((trx) => this.appendSamples(samples, trx));
  }

  /** As `append`, for samples in columns: a receiver's many samples with no object each. */
  appendColumns(samples: SampleColumns): Promise<AppendResult> {
    return this.inTransaction((trx) => this.appendNow(samples, trx));
  }

  /**
   * Appends in `executor`, the caller's open transaction (or a migration's handle): the samples are stored exactly
   * when it commits. Everything the append reads and writes goes through `executor`, so it never waits for another
   * connection (SQLite has one). If the caller's transaction rolls back after this resolves, the caller must call
   * `forgetHeads()`, or the next checkpoint would write the rolled-back samples with its heads.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
  appendWithin(executor: Kysely<any>, samples: readonly MetricSample[]): Promise<AppendResult> {
    return this.serially(() => this.appendSamples(samples, executor as Kysely<MetricsTables>));
  }

  /** Whether this process holds samples not yet checkpointed into chunks (grown heads, or log rows it wrote). */
  holdsUnwritten(): boolean {
    return this.dirty.size > 0 || this.appendsSinceCheckpoint > 0;
  }

  /**
   * Drops the in-memory heads and series index: they are read back from the database (and the log replayed) by the
   * next use.
   */
  forgetHeads(): void {
    this.heads.clear();
    this.index.invalidate();
    this.epoch++;
    this.byId.clear();
    this.dirty.clear();
    this.seriesCount = undefined;
    this.replayed = false;
  }

  /**
   * Deletes raw chunks whose newest sample is before `cutoff` (epoch ms); answers how many. Not queued behind
   * appends: an append running in a caller's SQLite transaction holds the only connection, and a delete waiting in
   * the queue for it would never run. A series whose head chunk was deleted is read back from the database.
   */
  async deleteBefore(cutoff: number): Promise<number> {
    const deleted = await this.repo.deleteChunksBefore(cutoff);
    for (const [key, head] of this.heads) {
      if (head.lastT < cutoff && !head.dirty) {
        this.heads.delete(key);
        this.byId.delete(head.id);
        this.epoch++;
      }
    }
    return deleted;
  }

  /**
   * Writes every grown head into its chunk row and empties the log, after the appends in flight; then, on SQLite,
   * gives free pages back to the file system once they are a tenth of the file (`metric-compaction.ts`).
   */
  flush(): Promise<void> {
    return this.inTransaction(async (trx) => {
      await this.ready(trx);
      await this.checkpoint(trx);
      await reclaimFreePages(trx, this.wal.takePeakBytes());
    });
  }

  async select(matchers: readonly LabelMatcher[], start: number, end: number): Promise<SeriesSamples[]> {
    const { series, columns } = await this.read(matchers, start, end);
    // Every matching series, with no sample or some: /series and the label searches list them all.
    return series.map(({ labels: shared, id }) => {
      const labels = { ...shared };
      const c = columns.get(id);
      if (!c) return { labels, samples: [] };
      const samples = Array.from(c.t, (t, i): [number, number] => [t, c.v[i] as number]);
      const stale = c.stale ? Array.from(c.t).filter((_, i) => c.stale?.[i] === 1) : [];
      return stale.length > 0 ? { labels, samples, stale } : { labels, samples };
    });
  }

  /**
   * As `select`, for the PromQL engine: each series' samples as typed arrays of times and values and a mask of stale
   * markers, decoded straight from the chunks; series with no sample in the range are left out. The labels are the
   * index's own, frozen, and the same object at every read of the series, so what the engine caches by label set
   * (its key, the set without its name) is worked out once per series, not once per query.
   */
  async selectColumns(matchers: readonly LabelMatcher[], start: number, end: number): Promise<ColumnarSeries[]> {
    const { series, columns } = await this.read(matchers, start, end);
    const out: ColumnarSeries[] = [];
    for (const { labels, id } of series) {
      const c = columns.get(id);
      if (c) out.push({ labels: labels as Record<string, string>, t: c.t, v: c.v, stale: c.stale });
    }
    return out;
  }

  /** The matching series, sorted by their canonical text (their labels shared, frozen), and their samples in [start, end] by id. */
  private async read(matchers: readonly LabelMatcher[], start: number, end: number) {
    const series = await this.matching(matchers);
    const chunks = await this.chunksWithHeads(
      series.map((s) => s.id),
      start,
      end,
    );
    return { series, columns: decodeColumns(chunks, start, end) };
  }

  /** The series matching every matcher, from the index, sorted by canonical text (labels shared: copy before handing out). */
  private async matching(matchers: readonly LabelMatcher[]): Promise<IndexedSeries[]> {
    const compiled = this.compiled(matchers);
    await this.replayedFirst();
    const index = await this.index.current();
    if (index !== this.sealedUnder) {
      this.sealed?.clear();
      this.sealedUnder = index;
    }
    return index.select(compiled);
  }

  /**
   * Compiles matchers; a frozen list (a selector of a parsed query the PromQL engine keeps) is compiled once, so a
   * rule's regular expressions are not checked and built again at every evaluation.
   */
  private compiled(matchers: readonly LabelMatcher[]): CompiledMatcher[] {
    if (!Object.isFrozen(matchers) || !matchers.every((m) => Object.isFrozen(m))) return compileMatchers(matchers);
    let compiled = this.compiledMatchers.get(matchers);
    if (!compiled) {
      compiled = compileMatchers(matchers);
      this.compiledMatchers.set(matchers, compiled);
    }
    return compiled;
  }

  /** Replays a write-ahead log left by a crash before the first read, so reads see every acknowledged sample. */
  private async replayedFirst(): Promise<void> {
    if (!this.replayed) await this.inTransaction((trx) => this.ready(trx));
  }

  async selectRollup(matchers: readonly LabelMatcher[], start: number, end: number, tier: RollupTier): Promise<SeriesRollup[]> {
    const series = await this.matching(matchers);
    const ids = series.map((s) => s.id);
    const buckets = await this.rollups.read(ids, start, end, tier, (from, to) => this.chunksWithHeads(ids, from, to));
    return series.map((s) => ({ labels: { ...s.labels }, buckets: buckets.get(s.id) ?? [] }));
  }

  /**
   * The chunks of `ids` overlapping [start, end]: from memory alone for a series whose head (its newest chunk, which
   * no other chunk overlaps) starts by `start` or holds all its samples; otherwise the stored ones, with a grown head
   * read from memory over its stale row.
   */
  private async chunksWithHeads(ids: readonly number[], start: number, end: number): Promise<ChunkRow[]> {
    const chunks: ChunkRow[] = [];
    const unheld: number[] = [];
    for (const id of ids) {
      const series = this.byId.get(id);
      const head = series?.head;
      if (head === undefined || !(series?.wholeSeries || (head.count > 0 && (head.minTime as number) <= start))) unheld.push(id);
      else if (head.count > 0 && (head.maxTime as number) >= start && (head.minTime as number) <= end) chunks.push(chunkRow(id, head));
    }
    if (unheld.length === 0) return chunks;
    const stored = await this.storedChunks(unheld, start, end);
    for (const c of stored) {
      const head = this.byId.get(c.series_id);
      if (!(head?.dirty && c.min_time === head.head.minTime)) chunks.push(c);
    }
    for (const id of unheld) {
      const head = this.byId.get(id);
      if (head?.dirty && head.head.count > 0 && (head.head.maxTime as number) >= start && (head.head.minTime as number) <= end) {
        chunks.push(chunkRow(id, head.head));
      }
    }
    return chunks;
  }

  /** The stored chunks of `ids` overlapping [start, end]: the sealed ones read before from memory, the rest from the table. */
  private async storedChunks(ids: readonly number[], start: number, end: number): Promise<ChunkRow[]> {
    if (!this.sealed) return this.repo.chunksOf(ids, start, end);
    const keys = await this.repo.chunkKeys(ids, start, end);
    const { held, fetch } = this.sealed.plan(keys, start);
    const fetched = fetch.length > 0 ? await this.repo.chunksAt(fetch, start) : [];
    this.sealed.keep(keys, fetched);
    return held.length === 0 ? fetched : fetched.length === 0 ? held : [...held, ...fetched];
  }

  async labelNames(matchers?: readonly LabelMatcher[]): Promise<string[]> {
    if (!matchers || matchers.length === 0) {
      await this.replayedFirst();
      return (await this.index.current()).labelNames();
    }
    const names = new Set<string>();
    for (const s of await this.matching(matchers)) for (const n of Object.keys(s.labels)) names.add(n);
    return [...names].sort();
  }

  async labelValues(name: string, matchers?: readonly LabelMatcher[]): Promise<string[]> {
    if (!matchers || matchers.length === 0) {
      await this.replayedFirst();
      return (await this.index.current()).labelValues(name);
    }
    const values = new Set<string>();
    for (const s of await this.matching(matchers)) {
      const v = s.labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  /**
   * Deletes the matching series. They are found by the database, in the deleting transaction (the index may not have
   * caught up with another process yet), and the deletion is counted there, for other processes' indexes.
   */
  async deleteSeries(matchers: readonly LabelMatcher[]): Promise<number> {
    const compiled = compileMatchers(matchers);
    const done = await this.inTransaction(async (trx) => {
      const series = await this.repo.matchSeries(compiled, trx);
      if (series.length === 0) return undefined;
      await this.repo.deleteSeries(
        trx,
        series.map((s) => s.id),
      );
      const deletions = await this.repo.countSeriesDeletion(trx);
      for (const { id } of series) {
        const head = this.byId.get(id);
        if (!head) continue;
        this.heads.delete(head.canonical);
        this.epoch++;
        this.byId.delete(id);
        this.dirty.delete(head);
      }
      if (this.seriesCount !== undefined) this.seriesCount -= series.length;
      return { ids: series.map((s) => s.id), deletions };
    });
    if (!done) return 0;
    this.index.deleted(done.ids, done.deletions);
    this.sealed?.clear();
    return done.ids.length;
  }

  /**
   * Runs `work` in a transaction of its own, one at a time with the store's other work. The transaction is opened
   * before the turn is taken: on SQLite's single connection, a caller's open transaction calling `appendWithin` would
   * otherwise wait in the queue behind work that waits for its connection. Anything failing resets the heads.
   */
  private inTransaction<T>(work: (trx: Kysely<MetricsTables>) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) => this.serially(() => work(trx)))
      .catch((err) => {
        this.forgetHeads();
        throw err;
      });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Replays the log left by a crash onto the heads, once, and checkpoints them. */
  private async ready(executor?: Kysely<MetricsTables>): Promise<void> {
    if (this.replayed || !this.useWal) {
      this.replayed = true;
      return;
    }
    const db = executor ?? this.db;
    const { records } = await this.wal.readAll(db);
    if (records.length > 0) {
      const ids = [...new Set(records.map((r) => r.seriesId))];
      const known = await this.repo.seriesByIds(ids, db);
      const latest = new Map((await this.repo.latestChunks([...known.keys()], db)).map((c) => [c.series_id, c]));
      for (const [id, canonical] of known) {
        if (this.byId.has(id)) continue;
        const chunk = latest.get(id);
        const head = chunk ? headFromChunk(id, canonical, chunk.bytes, chunk.max_time) : emptyHead(id, canonical);
        this.heads.set(canonical, head);
        this.byId.set(id, head);
      }
      const cut: ChunkRow[] = [];
      // Records of series deleted since, and samples a chunk already holds, are skipped.
      for (const r of records) {
        const head = this.byId.get(r.seriesId);
        if (!head || r.t <= head.lastT) continue;
        const full = growHead(head, r.t, r.v, r.stale);
        if (full) cut.push(sealedChunkRow(head.id, full));
        head.dirty = true;
        this.dirty.add(head);
      }
      if (cut.length > 0) await this.repo.writeSealedChunks(db, cut);
    }
    this.replayed = true;
    await this.checkpoint(executor);
  }

  /** Writes the grown heads into their chunk rows and empties the log, in one transaction. */
  private async checkpoint(executor?: Kysely<MetricsTables>): Promise<void> {
    if (!this.useWal) return;
    const grown = [...this.dirty];
    // A full head takes no more samples: it is stored sealed now, and not written again when the next sample cuts it.
    const full = grown.filter((h) => h.head.count >= MAX_CHUNK_SAMPLES);
    const write = async (trx: Kysely<MetricsTables>) => {
      await this.repo.writeChunks(
        trx,
        grown.filter((h) => h.head.count < MAX_CHUNK_SAMPLES).map((h) => chunkRow(h.id, h.head)),
      );
      await this.repo.writeSealedChunks(
        trx,
        full.map((h) => sealedChunkRow(h.id, h.head)),
      );
      await this.wal.truncate(trx);
    };
    if (executor) await write(executor);
    else await this.db.transaction().execute(write);
    for (const head of full) this.storedSealed.add(head.head);
    for (const head of grown) head.dirty = false;
    this.dirty.clear();
    this.appendsSinceCheckpoint = 0;
    this.lastCheckpoint = this.now();
  }

  /** `append` of MetricSamples: in columns, after refusing values that are not numbers (which columns cannot hold). */
  private async appendSamples(samples: readonly MetricSample[], executor?: Kysely<MetricsTables>): Promise<AppendResult> {
    const count = samples.length;
    const columns: SampleColumns = {
      length: count,
      labels: new Array(count),
      t: new Float64Array(count),
      v: new Float64Array(count),
      stale: new Uint8Array(count),
    };
    const refused: AppendResult['rejected'] = [];
    const kept: number[] = [];
    for (let index = 0; index < count; index++) {
      const s = samples[index] as MetricSample;
      if (typeof s.v !== 'number') {
        refused.push({ index, reason: 'invalid', message: `sample of ${s.labels.__name__} has a value that is not a number` });
        continue;
      }
      const at = kept.length;
      kept.push(index);
      (columns.labels as Array<Readonly<Record<string, string>>>)[at] = s.labels;
      columns.t[at] = s.t;
      columns.v[at] = s.v;
      columns.stale[at] = isStaleSample(s) ? 1 : 0;
    }
    columns.length = kept.length;
    const result = await this.appendNow(columns, executor);
    if (refused.length === 0) return result;
    // Name the refused samples by their index in `samples`.
    for (const r of result.rejected) r.index = kept[r.index] as number;
    result.rejected.unshift(...refused);
    return result;
  }

  private async appendNow(samples: SampleColumns, executor?: Kysely<MetricsTables>): Promise<AppendResult> {
    await this.ready(executor);
    const result: AppendResult = { appended: 0, duplicates: 0, rejected: [] };
    const count = samples.length;
    const { labels: labelsOf, t: times, v: values, stale: staleOf } = samples;
    // Each sample's series key (undefined once refused) and its head when one is held; the labels of each series
    // without a head, whose head is then read from the database or created.
    const keys: Array<string | undefined> = new Array(count);
    const headOf: Array<SeriesHead | undefined> = new Array(count);
    const unknown = new Map<string, Readonly<Record<string, string>>>();
    const epoch = this.epoch;
    for (let index = 0; index < count; index++) {
      const labels = labelsOf[index] as Readonly<Record<string, string>>;
      const t = times[index] as number;
      const known = this.checkedLabels.get(labels);
      let key: string;
      if (known) {
        const problem = this.invalidTime(t, labels.__name__ as string);
        if (problem) {
          result.rejected.push({ index, ...problem });
          continue;
        }
        key = known.key;
        if (known.epoch === this.epoch) {
          keys[index] = key;
          headOf[index] = known.head;
          continue;
        }
      } else {
        const problem = this.invalid(labels, t);
        if (problem) {
          result.rejected.push({ index, ...problem });
          continue;
        }
        key = canonicalSeries(labels);
      }
      keys[index] = key;
      const head = this.heads.get(key);
      if (head) {
        headOf[index] = head;
        // Frozen labels cannot change: what the checks and the key answered holds for every later sample of them.
        if (known) {
          known.head = head;
          known.epoch = this.epoch;
        } else if (Object.isFrozen(labels)) this.checkedLabels.set(labels, { key, head, epoch: this.epoch });
      } else {
        if (!known && Object.isFrozen(labels)) this.checkedLabels.set(labels, { key, head: undefined, epoch: -1 });
        if (!unknown.has(key)) unknown.set(key, labels);
      }
    }
    const created = unknown.size > 0 ? await this.loadHeads(unknown, executor) : new Map<string, NewSeries>();
    this.seriesCount ??= await this.repo.countSeries(executor);
    // Heads dropped meanwhile (deleteBefore is not queued behind appends): find every head again by its key.
    if (this.epoch !== epoch) headOf.fill(undefined);
    const refusedSeries = new Set<string>();
    let room = this.maxSeries - this.seriesCount;
    for (const key of [...created.keys()]) {
      if (room > 0) room--;
      else {
        refusedSeries.add(key);
        created.delete(key);
      }
    }

    // Apply the samples to the heads; new series get their ids in the transaction below, and their log records then.
    const stamp = ++this.appends;
    const touched: SeriesHead[] = [];
    const cut: Array<{ series: SeriesHead; encoder: XorChunkEncoder }> = [];
    // The log's records, in columns: no object per sample.
    const recordHeads: SeriesHead[] = [];
    const recordT = new Float64Array(count);
    const recordV = new Float64Array(count);
    const recordStale = new Uint8Array(count);
    const decodedHeads = new Map<XorChunkEncoder, ReturnType<typeof decodeXorChunk>>();
    // Samples the rollup job may have passed already (ADR 0018): their buckets are marked to roll up again. The job
    // rolls whole buckets, so a bucket that ends after `lateBefore` is as safe for its older samples as for the
    // newer ones that are never marked: only samples of buckets ending by then are late.
    const lateBefore = this.rollups.lateBefore();
    const late: Array<[SeriesHead, number]> = [];
    for (let index = 0; index < count; index++) {
      const key = keys[index];
      if (key === undefined) continue;
      const t = times[index] as number;
      const v = values[index] as number;
      const stale = staleOf[index] === 1;
      let series = headOf[index];
      if (!series) {
        if (refusedSeries.size > 0 && refusedSeries.has(key)) {
          const message = `series limit of ${this.maxSeries} reached: new series of metric ${labelsOf[index]?.__name__} refused`;
          result.rejected.push({ index, reason: 'too_many_series', message });
          continue;
        }
        series = this.heads.get(key);
        if (!series) {
          series = emptyHead(-1, key);
          this.heads.set(key, series);
        }
      }
      if (t <= series.lastT) {
        if (t < series.lastT) {
          // A resent batch (its answer was lost) holds samples already stored: equal ones in the head count as duplicates.
          if (headHolds(series, t, v, stale, decodedHeads)) result.duplicates++;
          else {
            result.rejected.push({
              index,
              reason: 'out_of_order',
              message: `sample at ${t} is before the newest one of ${key} at ${series.lastT}`,
            });
          }
        } else if (sameAsLast(series, v, stale)) result.duplicates++;
        else result.rejected.push({ index, reason: 'duplicate_timestamp', message: `${key} already has another value at ${t}` });
        continue;
      }
      const full = growHead(series, t, v, stale);
      if (full) cut.push({ series, encoder: full });
      if (series.touchedIn !== stamp) {
        series.touchedIn = stamp;
        touched.push(series);
      }
      const r = recordHeads.length;
      recordHeads.push(series);
      recordT[r] = t;
      recordV[r] = v;
      recordStale[r] = stale ? 1 : 0;
      if (t <= lateBefore && bucketEnd(t, '5m') <= lateBefore) late.push([series, t]);
      result.appended++;
    }
    const createdNow = [...created.values()].filter((s) => this.heads.get(s.canonical)?.touchedIn === stamp);
    if (touched.length === 0 && created.size === 0) return result;

    try {
      const write = async (trx: Kysely<MetricsTables>) => {
        if (createdNow.length > 0) {
          const ids = await this.repo.createSeries(trx, createdNow, this.now());
          for (const s of createdNow) {
            const head = this.heads.get(s.canonical) as SeriesHead;
            head.id = ids.get(s.fingerprint) as number;
            this.byId.set(head.id, head);
          }
          // Seen by this store's next read; a rollback after this drops the index (forgetHeads).
          this.index.created(createdNow.map((s) => ({ id: ids.get(s.fingerprint) as number, labels: s.labels, canonical: s.canonical })));
        }
        const rows = cut
          .filter(({ encoder }) => !this.storedSealed.has(encoder))
          .map(({ series, encoder }) => sealedChunkRow(series.id, encoder));
        if (this.useWal) {
          await this.repo.writeSealedChunks(trx, rows);
          const seriesIds = new Uint32Array(recordHeads.length);
          for (let i = 0; i < recordHeads.length; i++) seriesIds[i] = (recordHeads[i] as SeriesHead).id;
          await this.wal.write(trx, { length: recordHeads.length, seriesIds, t: recordT, v: recordV, stale: recordStale });
        } else {
          for (const series of touched) rows.push(chunkRow(series.id, series.head));
          await this.repo.writeChunks(trx, rows);
        }
        if (late.length > 0) {
          await this.rollups.markLate(
            trx,
            late.map(([series, t]) => [series.id, t] as const),
          );
        }
      };
      if (executor) await write(executor);
      else await this.db.transaction().execute(write);
    } catch (err) {
      // The heads may now hold samples that were not stored: start again from the database and the log.
      this.forgetHeads();
      throw err;
    }
    this.seriesCount += createdNow.length;
    if (this.useWal) {
      for (const series of touched) {
        // A dirty head is in `dirty` until the checkpoint that writes it.
        if (!series.dirty) {
          series.dirty = true;
          this.dirty.add(series);
        }
      }
      this.appendsSinceCheckpoint++;
      if (this.appendsSinceCheckpoint >= CHECKPOINT_EVERY_APPENDS || this.now() - this.lastCheckpoint >= CHECKPOINT_EVERY_MS) {
        await this.checkpoint(executor);
      }
    }
    return result;
  }

  /** Why a sample of a series whose labels are known good cannot be stored (its time), if it cannot. */
  private invalidTime(t: number, name: string): { reason: 'invalid'; message: string } | undefined {
    if (!Number.isSafeInteger(t) || Math.abs(t) > 2 ** 52) {
      return { reason: 'invalid', message: `sample of ${name} has a timestamp that is not an integer in range: ${t}` };
    }
    return undefined;
  }

  /** Why a sample with these labels, at `t`, cannot be stored at all, if it cannot. */
  private invalid(
    labels: Readonly<Record<string, string>>,
    t: number,
  ): { reason: 'invalid' | 'too_many_labels'; message: string } | undefined {
    const name = labels.__name__;
    if (typeof name !== 'string' || name === '') return { reason: 'invalid', message: 'sample has no metric name (__name__)' };
    const bad = this.invalidTime(t, name);
    if (bad) return bad;
    let count = 0;
    for (const [k, v] of Object.entries(labels)) {
      if (k === '') return { reason: 'invalid', message: `a label of ${name} has an empty name` };
      if (typeof v !== 'string') return { reason: 'invalid', message: `label ${k} of ${name} is not a string` };
      if (v.length > this.maxValueLength) {
        return { reason: 'invalid', message: `label ${k} of ${name} is longer than ${this.maxValueLength} characters` };
      }
      if (v !== '') count++;
    }
    if (count > this.maxLabels) {
      return {
        reason: 'too_many_labels',
        message: `series of metric ${name} has ${count} labels, more than the limit of ${this.maxLabels}`,
      };
    }
    return undefined;
  }

  /**
   * Loads the heads of stored series among `unknown` (series key → its labels) from their newest chunk, and
   * answers the ones not stored yet, to create.
   */
  private async loadHeads(
    unknown: Map<string, Readonly<Record<string, string>>>,
    db?: Kysely<MetricsTables>,
  ): Promise<Map<string, NewSeries>> {
    const wanted = [...unknown].map(([canonical, labels]) => ({
      canonical,
      fingerprint: fingerprintOf(canonical),
      labels,
    }));
    const found = await this.repo.findSeries(
      wanted.map((w) => w.fingerprint),
      db,
    );
    const latest = new Map((await this.repo.latestChunks([...found.values()], db)).map((c) => [c.series_id, c]));
    const toCreate = new Map<string, NewSeries>();
    for (const w of wanted) {
      const id = found.get(w.fingerprint);
      if (id === undefined) {
        toCreate.set(w.canonical, w);
        continue;
      }
      const chunk = latest.get(id);
      const series = chunk ? headFromChunk(id, w.canonical, chunk.bytes, chunk.max_time) : emptyHead(id, w.canonical);
      this.heads.set(w.canonical, series);
      this.byId.set(id, series);
    }
    return toCreate;
  }
}
