import type { Kysely, KyselyPlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore } from './embedded-metric-store';
import { canonicalSeries, compileMatchers, fingerprintOf, matchesAll, parseCanonicalSeries } from './label-matchers';
import type { LabelMatcher, MetricSample } from './metric-store';
import { MetricStoreRepository } from './metric-store.repository';

const T0 = 1_704_110_400_000;
const STEP = 15_000;
const m = (name: string, op: LabelMatcher['op'], value: string): LabelMatcher => ({ name, op, value });
const named = (name: string) => [m('__name__', '=', name)];
const sample = (labels: Record<string, string>, i = 0): MetricSample => ({ labels, t: T0 + i * STEP, v: i });
const labelsOf = async (store: EmbeddedMetricStore, matchers: LabelMatcher[]) =>
  (await store.select(matchers, T0 - 3_600_000, T0 + 3_600_000)).map((s) => s.labels);

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tables each statement run through the returned handle reads or writes, in order. */
function tablesTouched(db: Kysely<MetricsTables>): { db: Kysely<MetricsTables>; log: string[][] } {
  const log: string[][] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      log.push(
        [...JSON.stringify(args.node).matchAll(/"identifier":\{"kind":"IdentifierNode","name":"(metric_[a-z_]+)"/g)].map(
          (x) => x[1] as string,
        ),
      );
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), log };
}

for (const engine of testEngines()) {
  describe(`the embedded store's series index on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    const fresh = async () => (await database()).db as Kysely<MetricsTables>;

    it('sees the series it creates at once and forgets the ones it deletes, the deletion counted for others', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, { seriesRefreshMs: 60_000, now: () => T0 });
      await store.append([sample({ __name__: 'up', job: 'a' })]);
      expect(await labelsOf(store, named('up'))).toEqual([{ __name__: 'up', job: 'a' }]);
      await store.append([sample({ __name__: 'up', job: 'b' }), sample({ __name__: 'down', job: 'b' })]);
      expect(await labelsOf(store, [m('job', '=', 'b')])).toEqual([
        { __name__: 'down', job: 'b' },
        { __name__: 'up', job: 'b' },
      ]);
      expect(await store.labelValues('job')).toEqual(['a', 'b']);
      expect(await store.deleteSeries([m('job', '=', 'b')])).toBe(2);
      expect(await labelsOf(store, [m('job', '=~', '.+')])).toEqual([{ __name__: 'up', job: 'a' }]);
      expect(await store.labelNames()).toEqual(['__name__', 'job']);
      expect(await store.labelValues('job')).toEqual(['a']);
      expect(await store.labelValues('__name__')).toEqual(['up']);
      expect(await new MetricStoreRepository(db).seriesDeletions()).toBe(1);
      // Created again after its deletion: a new series, seen at once.
      await store.append([sample({ __name__: 'up', job: 'b' }, 1)]);
      expect(await labelsOf(store, named('up'))).toEqual([
        { __name__: 'up', job: 'a' },
        { __name__: 'up', job: 'b' },
      ]);
    });

    it('keeps listing a series whose samples retention deleted, and reads what is left of it from its chunks', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, { now: () => T0 });
      const labels = { __name__: 'temp', room: 'a' };
      await store.append(Array.from({ length: 130 }, (_, i) => sample(labels, i)));
      await store.append([sample({ __name__: 'temp', room: 'b' }, 0)]);
      await store.flush();
      // Room b's only chunk ends before the cutoff and goes, with its head; room a keeps its head chunk.
      expect(await store.deleteBefore(T0 + 121 * STEP)).toBe(2);
      const found = await store.select(named('temp'), T0, T0 + 200 * STEP);
      expect(found.map((s) => [s.labels.room, s.samples.length])).toEqual([
        ['a', 10],
        ['b', 0],
      ]);
      expect(await store.selectColumns(named('temp'), T0, T0 + 200 * STEP)).toHaveLength(1);
    });

    it('serves a range its heads cover from memory, and reads older ranges and unheld series from the chunks', async () => {
      const base = await fresh();
      const writer = new EmbeddedMetricStore(base, { now: () => T0 });
      const labels = { __name__: 'load', host: 'h' };
      await writer.append(Array.from({ length: 150 }, (_, i) => sample(labels, i)));
      await writer.flush();
      const { db, log } = tablesTouched(base);
      const store = new EmbeddedMetricStore(db, { now: () => T0 });
      await store.append([sample(labels, 150)]);
      await store.append([sample({ __name__: 'load', host: 'new' }, 150)]);
      await store.select(named('load'), T0, T0);
      log.length = 0;
      // One head holds samples 120…150, the other all of its series: a read from 130 on touches no table at all.
      const recent = await store.select(named('load'), T0 + 130 * STEP, T0 + 150 * STEP);
      expect(recent.map((s) => s.samples.length)).toEqual([21, 1]);
      expect(log.flat()).toEqual([]);
      // From 100 on, the full chunk before the head is read from the database.
      const older = await store.selectColumns(named('load'), T0 + 100 * STEP, T0 + 150 * STEP);
      expect(older.map((s) => Array.from(s.v))).toEqual([Array.from({ length: 51 }, (_, i) => 100 + i), [150]]);
      expect(log.flat()).toContain('metric_chunks');
    });

    it('sees the series another store on the database created once it looks again, and what it deleted after a rebuild', async () => {
      const db = await fresh();
      let clock = T0;
      const writer = new EmbeddedMetricStore(db, { now: () => T0 });
      const reader = new EmbeddedMetricStore(db, { now: () => clock, seriesRefreshMs: 1_000 });
      await writer.append([sample({ __name__: 'up', job: 'a' }), sample({ __name__: 'up', job: 'z' })]);
      await writer.flush();
      expect(await labelsOf(reader, named('up'))).toHaveLength(2);
      await writer.append([sample({ __name__: 'up', job: 'b' }, 1)]);
      await writer.flush();
      // Not looked for before a second has passed on the reader's clock.
      expect(await labelsOf(reader, named('up'))).toHaveLength(2);
      clock += 1_000;
      expect((await labelsOf(reader, named('up'))).map((l) => l.job)).toEqual(['a', 'b', 'z']);
      // Another process deletes the newest series and creates one (on SQLite it takes the freed id again).
      await writer.deleteSeries([m('job', '=', 'b')]);
      await writer.append([sample({ __name__: 'up', job: 'c' }, 2)]);
      await writer.flush();
      clock += 1_000;
      expect((await labelsOf(reader, named('up'))).map((l) => l.job)).toEqual(['a', 'c', 'z']);
      expect(await reader.labelValues('job')).toEqual(['a', 'c', 'z']);
      expect(await labelsOf(reader, [m('job', '=', 'b')])).toEqual([]);
    });

    it('looks again, for a while, for ids skipped by the ones it saw: a transaction may commit them late', async () => {
      const db = await fresh();
      let clock = T0;
      const reader = new EmbeddedMetricStore(db, { now: () => clock, seriesRefreshMs: 0 });
      const insert = async (id: number, job: string) => {
        const labels = { __name__: 'late', job };
        const canonical = canonicalSeries(labels);
        await db
          .insertInto('metric_series')
          .values({ id, labels: canonical, fingerprint: Buffer.from(fingerprintOf(canonical), 'hex'), created_at: T0 })
          .execute();
      };
      await insert(1, 'one');
      expect(await reader.labelValues('job')).toEqual(['one']);
      await insert(5, 'five');
      expect(await reader.labelValues('job')).toEqual(['five', 'one']);
      // Id 3 commits after 5 was seen: still found, while the wait lasts.
      clock += 30_000;
      await insert(3, 'three');
      expect(await reader.labelValues('job')).toEqual(['five', 'one', 'three']);
      // Past the wait, an id below the ones seen is left to the next rebuild (a deletion elsewhere, or a restart).
      clock += 60_000;
      await reader.labelValues('job');
      await insert(4, 'four');
      expect(await reader.labelValues('job')).toEqual(['five', 'one', 'three']);
      expect(await new EmbeddedMetricStore(db).labelValues('job')).toEqual(['five', 'four', 'one', 'three']);
    });

    it('drops the series of an append whose transaction rolled back, once told to forget its heads', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      await store.append([sample({ __name__: 'kept' })]);
      expect(await store.labelValues('__name__')).toEqual(['kept']);
      await expect(
        db.transaction().execute(async (trx) => {
          await store.appendWithin(trx, [sample({ __name__: 'rolled_back' })]);
          throw new Error('the report failed');
        }),
      ).rejects.toThrow('the report failed');
      store.forgetHeads();
      expect(await store.labelValues('__name__')).toEqual(['kept']);
      expect(await labelsOf(store, named('rolled_back'))).toEqual([]);
    });

    it('answers exactly what a filter of every stored series answers, for random series and matchers', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, { now: () => T0 });
      const repo = new MetricStoreRepository(db);
      const next = random(7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const names = ['job', 'instance', 'mode'];
      const values = ['', 'a', 'b', 'ab', 'node', 'x.y', 'ünï', 'q"u\\o\nte'];
      const patterns = ['a', 'a|b', 'a.*', '.*', '', 'ab|node|', '[ab]+', 'x\\.y', '.+'];
      const samples: MetricSample[] = [];
      for (let i = 0; i < 150; i++) {
        const labels: Record<string, string> = { __name__: pick(['cpu', 'mem', 'up']) };
        for (const name of names) if (next() < 0.7) labels[name] = pick(values);
        samples.push(sample(labels, i));
      }
      await store.append(samples);
      await store.deleteSeries([m('__name__', '=', 'mem'), m('job', '=', 'a')]);
      for (let round = 0; round < 150; round++) {
        const matchers = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
          const op = pick(['=', '!=', '=~', '!~'] as const);
          return m(pick(['__name__', ...names]), op, op === '=' || op === '!=' ? pick(values) : pick(patterns));
        });
        const compiled = compileMatchers(matchers);
        if (compiled.every((c) => c.matchesEmpty)) {
          await expect(store.select(matchers, T0, T0)).rejects.toThrow('at least one matcher');
          continue;
        }
        // Every series the table holds, its labels read back from its canonical text, tested matcher by matcher.
        const stored = await db.selectFrom('metric_series').select('labels').execute();
        const expected = stored
          .map((r) => r.labels)
          .filter((text) => matchesAll(compiled, parseCanonicalSeries(text)))
          .sort();
        const answered = (await store.select(matchers, T0, T0)).map((s) => canonicalSeries(s.labels));
        expect(answered, JSON.stringify(matchers)).toEqual(expected);
        // The path `deleteSeries` finds its series by, in its own transaction.
        const deletable = (await repo.matchSeries(compiled)).map((s) => canonicalSeries(s.labels)).sort();
        expect(deletable, JSON.stringify(matchers)).toEqual(expected);
      }
    });
  });
}
