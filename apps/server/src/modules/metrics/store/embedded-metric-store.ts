import { decodeXorChunk, XorChunkEncoder } from '@estate/tsdb';
import type { Kysely } from 'kysely';
import type { MetricsTables } from '../metrics.tables';
import { canonicalSeries, compileMatchers, fingerprintOf } from './label-matchers';
import { MetricRollups, type MetricRollupsOptions } from './metric-rollups';
import type { AppendResult, LabelMatcher, MetricSample, MetricStore, RollupTier, SeriesRollup, SeriesSamples } from './metric-store';
import { type ChunkRow, MetricStoreRepository, type NewSeries } from './metric-store.repository';

/** Samples per chunk before a new one is cut (Prometheus' figure: about 1 bit per sample more would not pay). */
export const MAX_CHUNK_SAMPLES = 120;
/** The longest time a chunk spans before a new one is cut, in ms. */
export const MAX_CHUNK_SPAN_MS = 2 * 3_600_000;

/** Limits of the embedded store. */
export interface EmbeddedMetricStoreOptions {
  /** Series the store holds at most; a sample of a new series past it is refused. Default 1,000,000. */
  maxSeries?: number;
  /** Labels a series has at most, `__name__` included. Default 64. */
  maxLabelsPerSeries?: number;
  /** Characters a label value has at most; longer ones are refused as invalid. Default 4,096. */
  maxLabelValueLength?: number;
  /** The clock for series' creation times and the rollup job. */
  now?: () => number;
  /** The rollup job's tuning (ADR 0018). */
  rollups?: Omit<MetricRollupsOptions, 'now'>;
}

/** The open end of a series: the encoder of its newest chunk and its newest sample. */
interface SeriesHead {
  id: number;
  metric: string;
  head: XorChunkEncoder;
  lastT: number;
  lastV: number;
}

const bits = new Float64Array(2);
/** The index of a float's low and high 32-bit word in a Uint32Array over its bytes, by the platform's byte order. */
const LOW = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH = 1 - LOW;
const words = new Uint32Array(bits.buffer);
function sameBits(a: number, b: number): boolean {
  bits[0] = a;
  bits[1] = b;
  return words[0] === words[2] && words[1] === words[3];
}

/**
 * The metric store in the primary database (ADR 0017). Each series' newest chunk is its head, kept in memory as an
 * encoder to append to; every `append` writes the heads it changed (and any chunk it cut) in one transaction before
 * it resolves, so an acknowledged sample is on disk and a crash loses none. Appends run one at a time. The database
 * is the truth: reads go to it, and after a failed append the heads it touched are reloaded from it.
 *
 * One process writes a store: two processes appending to the same series over PostgreSQL would overwrite each
 * other's head chunk (the remote-write path past one machine is the `prometheus` implementation).
 */
export class EmbeddedMetricStore implements MetricStore {
  private readonly repo: MetricStoreRepository;
  /** The rollup tiers: their job, reads and pruning (ADR 0018). */
  readonly rollups: MetricRollups;
  private readonly heads = new Map<string, SeriesHead>();
  private readonly maxSeries: number;
  private readonly maxLabels: number;
  private readonly maxValueLength: number;
  private readonly now: () => number;
  private seriesCount: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Kysely<MetricsTables>,
    options: EmbeddedMetricStoreOptions = {},
  ) {
    this.repo = new MetricStoreRepository(db);
    this.maxSeries = options.maxSeries ?? 1_000_000;
    this.maxLabels = options.maxLabelsPerSeries ?? 64;
    this.maxValueLength = options.maxLabelValueLength ?? 4096;
    this.now = options.now ?? Date.now;
    this.rollups = new MetricRollups(db, { ...options.rollups, now: this.now });
  }

  append(samples: readonly MetricSample[]): Promise<AppendResult> {
    return this.serially(() => this.appendNow(samples));
  }

  /**
   * Appends in `executor`, the caller's open transaction (or a migration's handle): the samples are stored exactly
   * when it commits. Everything the append reads and writes goes through `executor`, so it never waits for another
   * connection (SQLite has one). If the caller's transaction rolls back after this resolves, the caller must call
   * `forgetHeads()`, or the next append would write the rolled-back samples again with its head.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
  appendWithin(executor: Kysely<any>, samples: readonly MetricSample[]): Promise<AppendResult> {
    return this.serially(() => this.appendNow(samples, executor as Kysely<MetricsTables>));
  }

  /** Drops the in-memory heads: they are read back from the database by the next append of each series. */
  forgetHeads(): void {
    this.heads.clear();
    this.seriesCount = undefined;
  }

  /**
   * Deletes raw chunks whose newest sample is before `cutoff` (epoch ms); answers how many. Not queued behind
   * appends: an append running in a caller's SQLite transaction holds the only connection, and a delete waiting in
   * the queue for it would never run. A series whose head chunk was deleted is read back from the database.
   */
  async deleteBefore(cutoff: number): Promise<number> {
    const deleted = await this.repo.deleteChunksBefore(cutoff);
    for (const [key, head] of this.heads) if (head.lastT < cutoff) this.heads.delete(key);
    return deleted;
  }

  /** Writes every head. Heads are written by each append already, so this only waits for appends in flight. */
  flush(): Promise<void> {
    return this.serially(async () => {});
  }

  async select(matchers: readonly LabelMatcher[], start: number, end: number): Promise<SeriesSamples[]> {
    const series = await this.repo.matchSeries(compileMatchers(matchers));
    const chunks = await this.repo.chunksOf(
      series.map((s) => s.id),
      start,
      end,
    );
    const samples = new Map<number, Array<[number, number]>>(series.map((s) => [s.id, []]));
    const stale = new Map<number, number[]>();
    for (const chunk of chunks) {
      const out = samples.get(chunk.series_id) as Array<[number, number]>;
      const { timestamps, values } = decodeXorChunk(chunk.bytes);
      // The values' bits, read from the decoded buffer: a NaN's payload does not survive a JS array.
      const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i] as number;
        if (t < start || t > end) continue;
        out.push([t, values[i] as number]);
        if (words[2 * i + LOW] === 2 && words[2 * i + HIGH] === 0x7ff00000) {
          const marks = stale.get(chunk.series_id);
          if (marks) marks.push(t);
          else stale.set(chunk.series_id, [t]);
        }
      }
    }
    return series
      .map((s) => ({ labels: s.labels, samples: samples.get(s.id) ?? [], stale: stale.get(s.id), key: canonicalSeries(s.labels) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ labels, samples: points, stale: marks }) =>
        marks ? { labels, samples: points, stale: marks } : { labels, samples: points },
      );
  }

  async selectRollup(matchers: readonly LabelMatcher[], start: number, end: number, tier: RollupTier): Promise<SeriesRollup[]> {
    const series = await this.repo.matchSeries(compileMatchers(matchers));
    const ids = series.map((s) => s.id);
    const buckets = await this.rollups.read(ids, start, end, tier, (from, to) => this.repo.chunksOf(ids, from, to));
    return series
      .map((s) => ({ labels: s.labels, buckets: buckets.get(s.id) ?? [], key: canonicalSeries(s.labels) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ labels, buckets: list }) => ({ labels, buckets: list }));
  }

  async labelNames(matchers?: readonly LabelMatcher[]): Promise<string[]> {
    if (!matchers || matchers.length === 0) return this.repo.allLabelNames();
    const names = new Set<string>();
    for (const s of await this.repo.matchSeries(compileMatchers(matchers))) for (const n of Object.keys(s.labels)) names.add(n);
    return [...names].sort();
  }

  async labelValues(name: string, matchers?: readonly LabelMatcher[]): Promise<string[]> {
    if (!matchers || matchers.length === 0) return this.repo.allLabelValues(name);
    const values = new Set<string>();
    for (const s of await this.repo.matchSeries(compileMatchers(matchers))) {
      const v = s.labels[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  deleteSeries(matchers: readonly LabelMatcher[]): Promise<number> {
    const compiled = compileMatchers(matchers);
    return this.serially(async () => {
      const series = await this.repo.matchSeries(compiled);
      if (series.length === 0) return 0;
      await this.repo.deleteSeries(series.map((s) => s.id));
      const ids = new Set(series.map((s) => s.id));
      for (const [key, head] of this.heads) if (ids.has(head.id)) this.heads.delete(key);
      if (this.seriesCount !== undefined) this.seriesCount -= series.length;
      return series.length;
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(samples: readonly MetricSample[], executor?: Kysely<MetricsTables>): Promise<AppendResult> {
    const result: AppendResult = { appended: 0, duplicates: 0, rejected: [] };
    // Each sample's series key, or undefined once refused.
    const keys: Array<string | undefined> = samples.map((s, index) => {
      const problem = this.invalid(s);
      if (problem) {
        result.rejected.push({ index, ...problem });
        return undefined;
      }
      return canonicalSeries(s.labels);
    });

    const unknown = new Map<string, MetricSample>();
    keys.forEach((key, i) => {
      if (key !== undefined && !this.heads.has(key) && !unknown.has(key)) unknown.set(key, samples[i] as MetricSample);
    });
    const created = unknown.size > 0 ? await this.loadHeads(unknown, executor) : new Map<string, NewSeries>();
    this.seriesCount ??= await this.repo.countSeries(executor);
    const refusedSeries = new Set<string>();
    let room = this.maxSeries - this.seriesCount;
    for (const key of [...created.keys()]) {
      if (room > 0) room--;
      else {
        refusedSeries.add(key);
        created.delete(key);
      }
    }

    // Apply the samples to the heads; new series get their ids in the transaction below.
    const touched = new Map<string, SeriesHead>();
    const written = new Map<XorChunkEncoder, SeriesHead>();
    // Samples the rollup job may have passed already (ADR 0018): their buckets are marked to roll up again.
    const lateBefore = this.rollups.lateBefore();
    const late: Array<[SeriesHead, number]> = [];
    for (let index = 0; index < samples.length; index++) {
      const key = keys[index];
      if (key === undefined) continue;
      const { t, v, labels } = samples[index] as MetricSample;
      if (refusedSeries.has(key)) {
        const message = `series limit of ${this.maxSeries} reached: new series of metric ${labels.__name__} refused`;
        result.rejected.push({ index, reason: 'too_many_series', message });
        continue;
      }
      let series = this.heads.get(key);
      if (!series) {
        series = { id: -1, metric: labels.__name__ as string, head: new XorChunkEncoder(), lastT: Number.NEGATIVE_INFINITY, lastV: 0 };
        this.heads.set(key, series);
      }
      if (t < series.lastT) {
        result.rejected.push({
          index,
          reason: 'out_of_order',
          message: `sample at ${t} is before the newest one of ${key} at ${series.lastT}`,
        });
        continue;
      }
      if (t === series.lastT) {
        if (sameBits(v, series.lastV)) result.duplicates++;
        else result.rejected.push({ index, reason: 'duplicate_timestamp', message: `${key} already has another value at ${t}` });
        continue;
      }
      const head = series.head;
      if (head.count >= MAX_CHUNK_SAMPLES || (head.minTime !== undefined && t - head.minTime >= MAX_CHUNK_SPAN_MS)) {
        series.head = new XorChunkEncoder();
      }
      series.head.append(t, v);
      series.lastT = t;
      series.lastV = v;
      touched.set(key, series);
      written.set(series.head, series);
      if (t <= lateBefore) late.push([series, t]);
      result.appended++;
    }
    if (written.size === 0 && created.size === 0) return result;

    try {
      const write = async (trx: Kysely<MetricsTables>) => {
        const toCreate = [...created.values()].filter((s) => touched.has(s.canonical));
        if (toCreate.length > 0) {
          const ids = await this.repo.createSeries(trx, toCreate, this.now());
          for (const s of toCreate) (this.heads.get(s.canonical) as SeriesHead).id = ids.get(s.fingerprint) as number;
        }
        const rows: ChunkRow[] = [];
        for (const [encoder, series] of written) {
          rows.push({
            series_id: series.id,
            min_time: encoder.minTime as number,
            max_time: encoder.maxTime as number,
            count: encoder.count,
            bytes: encoder.bytes(),
          });
        }
        await this.repo.writeChunks(trx, rows);
        if (late.length > 0)
          await this.rollups.markLate(
            trx,
            late.map(([series, t]) => [series.id, t] as const),
          );
      };
      if (executor) await write(executor);
      else await this.db.transaction().execute(write);
    } catch (err) {
      // The heads may now hold samples that were not stored: forget them, so they are read back from the database.
      for (const key of touched.keys()) this.heads.delete(key);
      throw err;
    }
    this.seriesCount += [...created.keys()].filter((k) => touched.has(k)).length;
    return result;
  }

  /** Why a sample cannot be stored at all, if it cannot. */
  private invalid(s: MetricSample): { reason: 'invalid' | 'too_many_labels'; message: string } | undefined {
    const name = s.labels.__name__;
    if (typeof name !== 'string' || name === '') return { reason: 'invalid', message: 'sample has no metric name (__name__)' };
    if (!Number.isSafeInteger(s.t) || Math.abs(s.t) > 2 ** 52) {
      return { reason: 'invalid', message: `sample of ${name} has a timestamp that is not an integer in range: ${s.t}` };
    }
    if (typeof s.v !== 'number') return { reason: 'invalid', message: `sample of ${name} has a value that is not a number` };
    let count = 0;
    for (const [k, v] of Object.entries(s.labels)) {
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
   * Loads the heads of stored series among `unknown` (series key → a sample of it) from their newest chunk, and
   * answers the ones not stored yet, to create.
   */
  private async loadHeads(unknown: Map<string, MetricSample>, db?: Kysely<MetricsTables>): Promise<Map<string, NewSeries>> {
    const wanted = [...unknown].map(([canonical, s]) => ({
      metric: s.labels.__name__ as string,
      canonical,
      fingerprint: fingerprintOf(canonical),
      labels: s.labels,
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
      const series: SeriesHead = { id, metric: w.metric, head: new XorChunkEncoder(), lastT: Number.NEGATIVE_INFINITY, lastV: 0 };
      const chunk = latest.get(id);
      if (chunk) {
        const { timestamps, values } = decodeXorChunk(chunk.bytes);
        for (let i = 0; i < timestamps.length; i++) series.head.append(timestamps[i] as number, values[i] as number);
        series.lastT = chunk.max_time;
        series.lastV = values[values.length - 1] as number;
      }
      this.heads.set(w.canonical, series);
    }
    return toCreate;
  }
}
