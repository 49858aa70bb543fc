/*
 * The series index of one store instance, kept in step with the database (ADR 0026). Loaded from the
 * canonical texts of `metric_series` on first use; the series this instance creates or deletes change it at once; what other
 * processes do on the same database is read back by the next use at least `refreshMs` after the last look: series
 * with ids above the highest seen (and, for a while, ids that were skipped, which a PostgreSQL transaction may still
 * commit), and a full rebuild when the count of deletions (migration 0034) has moved.
 */
import { parseCanonicalSeries } from './label-matchers';
import type { MetricStoreRepository, StoredSeries } from './metric-store.repository';
import { SeriesIndex } from './series-index';

/** How the index follows other processes. */
export interface LiveSeriesIndexOptions {
  /** The clock `refreshMs` and `gapWaitMs` are measured by, ms. */
  now: () => number;
  /** Least time between two looks at the database for others' changes, ms (0: at every use). */
  refreshMs: number;
  /**
   * How long an id skipped by the ids seen is looked for again, ms: on PostgreSQL a transaction that took an id may
   * commit after one that took a later id. Past this, a series committed under it is seen at the next rebuild.
   */
  gapWaitMs: number;
}

/** Skipped ids looked for again at most; ids past it are left to the next rebuild. */
const MAX_GAPS = 10_000;
/** After a full load, the ids missing among this many below the highest are looked for again, as skipped ones are. */
const GAP_WINDOW_AFTER_LOAD = 1_000;

/** A series this instance created: its id, labels (empty values are absent ones) and canonical text. */
export interface CreatedSeries {
  id: number;
  labels: Readonly<Record<string, string>>;
  canonical: string;
}

/** Adds stored series to `index`, their labels read from their canonical texts, skipping ids it holds. */
function addRows(index: SeriesIndex, rows: readonly StoredSeries[]): void {
  for (const r of rows) if (!index.has(r.id)) index.add(r.id, parseCanonicalSeries(r.canonical), r.canonical);
}

export class LiveSeriesIndex {
  private index: SeriesIndex | undefined;
  private loading: Promise<SeriesIndex> | undefined;
  private refreshing: Promise<void> | undefined;
  /** Series this instance created while a load was reading: added once it is done. */
  private createdDuringLoad: CreatedSeries[] = [];
  /** The deletion count the index reflects. */
  private deletionsSeen = 0;
  /** The highest id read from the database: others' series above it are looked for (this instance's own do not move it). */
  private seenThrough = 0;
  /** Ids below `seenThrough` not seen yet, and when they were first missed. */
  private readonly gaps = new Map<number, number>();
  private lastLook = Number.NEGATIVE_INFINITY;
  /** Bumped by every change a load or look in flight may have missed: it then throws its answer away. */
  private version = 0;

  constructor(
    private readonly repo: MetricStoreRepository,
    private readonly options: LiveSeriesIndexOptions,
  ) {}

  /** The index, loaded on first use and caught up with other processes when `refreshMs` has passed. */
  async current(): Promise<SeriesIndex> {
    const index = this.index;
    if (!index) return this.load();
    if (this.options.now() - this.lastLook >= this.options.refreshMs) {
      this.refreshing ??= this.lookForChanges(index).finally(() => {
        this.refreshing = undefined;
      });
      await this.refreshing;
      return this.index ?? this.load();
    }
    return index;
  }

  /** Series this instance just created (in the transaction that stores them): visible to its next read. */
  created(series: readonly CreatedSeries[]): void {
    if (this.index) for (const s of series) this.index.add(s.id, s.labels, s.canonical);
    else if (this.loading) this.createdDuringLoad.push(...series);
  }

  /**
   * Series this instance deleted, after the transaction that deleted them committed; `deletions` is the count of
   * deletions that transaction wrote. When another process deleted series too meanwhile, the next use rebuilds.
   */
  deleted(ids: readonly number[], deletions: number): void {
    this.version++;
    if (!this.index) return;
    let lowest = this.seenThrough + 1;
    for (const id of ids) {
      this.index.remove(id);
      if (id < lowest) lowest = id;
    }
    // SQLite gives the highest deleted ids to the next series created, here or in another process: the next look
    // reads ids from the lowest deleted one up again.
    this.seenThrough = Math.min(this.seenThrough, lowest - 1);
    if (deletions === this.deletionsSeen + 1) this.deletionsSeen = deletions;
    else this.invalidate();
  }

  /** Drops the index: the next use loads it again (after a rolled-back append, whose series may not exist). */
  invalidate(): void {
    this.version++;
    this.index = undefined;
    this.createdDuringLoad = [];
    this.gaps.clear();
  }

  private load(): Promise<SeriesIndex> {
    this.loading ??= this.loadOnce().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async loadOnce(): Promise<SeriesIndex> {
    for (;;) {
      const version = this.version;
      const started = this.options.now();
      const deletions = await this.repo.seriesDeletions();
      const rows = await this.repo.seriesAbove(undefined);
      // A deletion or a rolled-back append while reading: the rows may hold what is gone; read again.
      if (this.version !== version) continue;
      const index = new SeriesIndex();
      addRows(index, rows);
      for (const s of this.createdDuringLoad) index.add(s.id, s.labels, s.canonical);
      this.createdDuringLoad = [];
      this.gaps.clear();
      this.seenThrough = rows.length > 0 ? (rows[rows.length - 1] as StoredSeries).id : 0;
      for (let id = Math.max(1, this.seenThrough - GAP_WINDOW_AFTER_LOAD); id < this.seenThrough; id++) {
        if (!index.has(id)) this.gaps.set(id, started);
      }
      this.deletionsSeen = deletions;
      this.lastLook = started;
      this.index = index;
      return index;
    }
  }

  /** Reads what other processes changed since the last look: a rebuild after deletions, else their new series. */
  private async lookForChanges(index: SeriesIndex): Promise<void> {
    const version = this.version;
    const now = this.options.now();
    this.lastLook = now;
    const deletions = await this.repo.seriesDeletions();
    if (this.version !== version || this.index !== index) return;
    if (deletions !== this.deletionsSeen) {
      this.invalidate();
      return;
    }
    const floor = this.seenThrough;
    const rows = await this.repo.seriesAbove(floor);
    for (const [id, since] of this.gaps) if (now - since >= this.options.gapWaitMs) this.gaps.delete(id);
    const filled =
      this.gaps.size > 0 ? [...(await this.repo.seriesByIds([...this.gaps.keys()]))].map(([id, canonical]) => ({ id, canonical })) : [];
    if (this.version !== version || this.index !== index) return;
    addRows(index, rows);
    addRows(index, filled);
    for (const r of filled) this.gaps.delete(r.id);
    if (rows.length === 0) return;
    const highest = (rows[rows.length - 1] as StoredSeries).id;
    const stored = new Set(rows.map((r) => r.id));
    for (let id = floor + 1; id < highest && this.gaps.size < MAX_GAPS; id++) {
      if (!stored.has(id) && !index.has(id)) this.gaps.set(id, now);
    }
    this.seenThrough = highest;
  }
}
