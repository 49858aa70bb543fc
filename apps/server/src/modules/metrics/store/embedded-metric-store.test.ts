import { chunkFormat, decodeChunk } from '@estate/tsdb';
import type { Kysely } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore, MAX_CHUNK_SAMPLES } from './embedded-metric-store';
import { type LabelMatcher, MetricQueryError, type MetricSample } from './metric-store';

const T0 = 1_704_110_400_000; // 2024-01-01T12:00Z
const STEP = 10_000;

/** `n` samples of one series every 10 s from `from`, with values `f(i)`. */
function series(labels: Record<string, string>, n: number, f: (i: number) => number = (i) => i, from = T0): MetricSample[] {
  return Array.from({ length: n }, (_, i) => ({ labels, t: from + i * STEP, v: f(i) }));
}

const cpu = (instance: string, mode: string) => ({ __name__: 'node_cpu_seconds_total', instance, mode, job: 'node' });
const m = (name: string, op: LabelMatcher['op'], value: string): LabelMatcher => ({ name, op, value });
const NAME_CPU = m('__name__', '=', 'node_cpu_seconds_total');

for (const engine of testEngines()) {
  describe(`the embedded metric store on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    const fresh = async () => (await database()).db as Kysely<MetricsTables>;

    it('gives back what it was given, bit for bit, across chunks, and only within the range asked', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      const values = (i: number) => (i === 7 ? Number.NaN : i === 8 ? -0 : Math.sin(i) * 1e6);
      const input = series(cpu('a', 'user'), 300, values);
      expect(await store.append(input)).toEqual({ appended: 300, duplicates: 0, rejected: [] });
      const [only] = await store.select([NAME_CPU], T0, T0 + 299 * STEP);
      expect(only?.labels).toEqual(cpu('a', 'user'));
      expect(only?.samples).toHaveLength(300);
      only?.samples.forEach(([t, v], i) => {
        expect(t).toBe(T0 + i * STEP);
        expect(Object.is(v, values(i))).toBe(true);
      });
      // 300 samples at 10 s: cut at 120 and 120, a head of 60 (in its row after a checkpoint).
      await store.flush();
      const chunks = await db.selectFrom('metric_chunks').select(['count', 'min_time']).orderBy('min_time').execute();
      expect(chunks.map((c) => Number(c.count))).toEqual([MAX_CHUNK_SAMPLES, MAX_CHUNK_SAMPLES, 60]);
      const middle = await store.select([NAME_CPU], T0 + 100 * STEP, T0 + 130 * STEP);
      expect(middle[0]?.samples.map(([t]) => (t - T0) / STEP)).toEqual(Array.from({ length: 31 }, (_, i) => 100 + i));
    });

    it('seals full chunks of decimal values in the decimal format, keeps the rest XOR, and reads both exactly', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      const gauge = (i: number) => Math.round(Math.sin(i / 10) * 4000) / 100;
      // A stale marker in the second chunk keeps that one XOR; the head of 30 stays XOR while it may grow.
      const input = [...series({ __name__: 'load' }, 270, gauge), ...series({ __name__: 'bytes' }, 130, (i) => 2 ** 40 + i * 4096)].map(
        (s) => (s.labels.__name__ === 'load' && s.t === T0 + 200 * STEP ? { ...s, stale: true } : s),
      );
      await store.append(input);
      await store.flush();
      const rows = await db.selectFrom('metric_chunks').select(['series_id', 'count', 'bytes']).orderBy('min_time').execute();
      const bySeries = new Map<number, Array<[number, string]>>();
      for (const r of rows) {
        const list = bySeries.get(Number(r.series_id)) ?? [];
        list.push([Number(r.count), chunkFormat(r.bytes)]);
        bySeries.set(Number(r.series_id), list);
      }
      expect([...bySeries.values()].sort((a, b) => a.length - b.length)).toEqual([
        [
          [120, 'decimal'],
          [10, 'xor'],
        ],
        [
          [120, 'decimal'],
          [120, 'xor'],
          [30, 'xor'],
        ],
      ]);
      // Memory sizes moving a page a scrape: about a bit per timestamp and per value, and some 30 bytes of headers.
      const pages = rows.find(
        (r) => Number(r.count) === 120 && chunkFormat(r.bytes) === 'decimal' && decodeChunk(r.bytes).values[0] === 2 ** 40,
      );
      expect(pages?.bytes.length).toBeLessThan(60);
      for (const reader of [store, new EmbeddedMetricStore(db)]) {
        const [bytes, load] = await reader.select([m('__name__', '=~', 'bytes|load')], T0, T0 + 1000 * STEP);
        expect(bytes?.samples).toEqual(Array.from({ length: 130 }, (_, i) => [T0 + i * STEP, 2 ** 40 + i * 4096]));
        // The decimals read back exactly; the stale marker comes back as a NaN sample.
        expect(load?.samples).toEqual(Array.from({ length: 270 }, (_, i) => [T0 + i * STEP, i === 200 ? Number.NaN : gauge(i)]));
      }
    });

    it('stores a full head sealed at the checkpoint, before the next sample cuts it, here or after a restart', async () => {
      const db = await fresh();
      const gauge = (i: number) => Math.round(Math.cos(i / 7) * 9000) / 100;
      const formats = async () =>
        (await db.selectFrom('metric_chunks').select(['count', 'bytes']).orderBy('min_time').execute()).map((r) => [
          Number(r.count),
          chunkFormat(r.bytes),
        ]);
      const samples = series({ __name__: 'load' }, 242, gauge);
      const readsBack = async (n: number) => {
        const [load] = await new EmbeddedMetricStore(db).select([m('__name__', '=', 'load')], T0, T0 + 1000 * STEP);
        expect(load?.samples).toEqual(samples.slice(0, n).map((x) => [x.t, x.v]));
      };
      const store = new EmbeddedMetricStore(db);
      await store.append(samples.slice(0, 120));
      await store.flush();
      expect(await formats()).toEqual([[120, 'decimal']]);
      // The same process cuts it with the next sample: the sealed row stays as it is.
      await store.append(samples.slice(120, 121));
      await store.flush();
      expect(await formats()).toEqual([
        [120, 'decimal'],
        [1, 'xor'],
      ]);
      await readsBack(121);
      await store.append(samples.slice(121, 240));
      await store.flush();
      // A new process reopens the sealed head and cuts it with its next sample.
      const next = new EmbeddedMetricStore(db);
      await next.append(samples.slice(240, 242));
      await next.flush();
      expect(await formats()).toEqual([
        [120, 'decimal'],
        [120, 'decimal'],
        [2, 'xor'],
      ]);
      await readsBack(242);
    });

    it('cuts a chunk when it would span more than two hours, however few samples it has', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      await store.append(series({ __name__: 'sparse' }, 10, (i) => i, T0).map((s, i) => ({ ...s, t: T0 + i * 1_800_000 })));
      await store.flush();
      const chunks = await db.selectFrom('metric_chunks').select(['count']).orderBy('min_time').execute();
      expect(chunks.map((c) => Number(c.count))).toEqual([4, 4, 2]);
    });

    it('selects with each matcher operator, an absent label matching as the empty string', async () => {
      const store = new EmbeddedMetricStore(await fresh());
      await store.append([
        ...series(cpu('a', 'user'), 2),
        ...series(cpu('a', 'system'), 2),
        ...series(cpu('b', 'user'), 2),
        ...series({ __name__: 'node_load1', instance: 'a' }, 2),
        ...series({ __name__: 'node_load1', instance: 'c', extra: 'x' }, 2),
      ]);
      const keys = async (ms: LabelMatcher[]) =>
        (await store.select(ms, T0, T0 + STEP)).map((s) => `${s.labels.__name__}/${s.labels.instance}/${s.labels.mode ?? ''}`);
      expect(await keys([NAME_CPU, m('mode', '=', 'user')])).toEqual(['node_cpu_seconds_total/a/user', 'node_cpu_seconds_total/b/user']);
      expect(await keys([NAME_CPU, m('mode', '!=', 'user')])).toEqual(['node_cpu_seconds_total/a/system']);
      expect(await keys([m('__name__', '=~', 'node_.*'), m('instance', '=~', 'a|c')])).toEqual([
        'node_cpu_seconds_total/a/system',
        'node_cpu_seconds_total/a/user',
        // Sorted as Prometheus sorts label sets: `extra` comes before `instance`.
        'node_load1/c/',
        'node_load1/a/',
      ]);
      // Anchored: 'nod' does not match 'node_load1'.
      expect(await keys([m('__name__', '=~', 'nod')])).toEqual([]);
      expect(await keys([m('__name__', '=~', 'node_.*'), m('instance', '!~', 'a|b')])).toEqual(['node_load1/c/']);
      // `extra=""` matches the series without the label; `extra!=""` the one with it.
      expect(await keys([m('__name__', '=', 'node_load1'), m('extra', '=', '')])).toEqual(['node_load1/a/']);
      expect(await keys([m('extra', '!=', '')])).toEqual(['node_load1/c/']);
      expect(await store.labelNames()).toEqual(['__name__', 'extra', 'instance', 'job', 'mode']);
      expect(await store.labelNames([m('__name__', '=', 'node_load1')])).toEqual(['__name__', 'extra', 'instance']);
      expect(await store.labelValues('instance')).toEqual(['a', 'b', 'c']);
      expect(await store.labelValues('instance', [m('mode', '=', 'user')])).toEqual(['a', 'b']);
    });

    it('refuses matchers that select everything, and bad or overlong regular expressions', async () => {
      const store = new EmbeddedMetricStore(await fresh());
      await expect(store.select([m('job', '=~', '.*')], T0, T0)).rejects.toThrow(MetricQueryError);
      await expect(store.select([m('job', '=~', '(')], T0, T0)).rejects.toThrow(/invalid regular expression for label job/);
      await expect(store.select([m('job', '=~', 'a'.repeat(1001))], T0, T0)).rejects.toThrow(/longer than 1000/);
    });

    it('reports out-of-order and duplicate samples one by one and stores the rest', async () => {
      const store = new EmbeddedMetricStore(await fresh());
      const labels = { __name__: 'up', job: 'x' };
      await store.append(series(labels, 3));
      const result = await store.append([
        { labels, t: T0 + STEP, v: 7 }, // out of order
        { labels, t: T0 + 2 * STEP, v: 2 }, // same time, same value: ignored
        { labels, t: T0 + 2 * STEP, v: 5 }, // same time, another value: refused
        { labels, t: T0 + 3 * STEP, v: 3 },
        { labels, t: T0 + 3 * STEP, v: 3 }, // a duplicate within the call
        { labels: { job: 'x' }, t: T0, v: 1 }, // no name
        { labels, t: 1.5, v: 1 }, // not an integer time
        { labels: { ...labels, huge: 'x'.repeat(4097) }, t: T0, v: 1 }, // a label value past the limit
        { labels, t: T0 + STEP, v: 1 }, // older, and equal to a stored sample: a resend, ignored
      ]);
      expect(result.appended).toBe(1);
      expect(result.duplicates).toBe(3);
      expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
        [5, 'invalid'],
        [6, 'invalid'],
        [7, 'invalid'],
        [0, 'out_of_order'],
        [2, 'duplicate_timestamp'],
      ]);
      const [only] = await store.select([m('__name__', '=', 'up')], 0, T0 * 2);
      expect(only?.samples).toEqual([0, 1, 2, 3].map((i) => [T0 + i * STEP, i]));
    });

    it('caps series and labels per series, naming the metric', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, { maxSeries: 2, maxLabelsPerSeries: 3 });
      const result = await store.append([
        { labels: { __name__: 'a' }, t: T0, v: 1 },
        { labels: { __name__: 'b' }, t: T0, v: 1 },
        { labels: { __name__: 'exploding', id: '1' }, t: T0, v: 1 },
        { labels: { __name__: 'wide', a: '1', b: '2', c: '3' }, t: T0, v: 1 },
        { labels: { __name__: 'a' }, t: T0 + STEP, v: 2 },
      ]);
      expect(result.appended).toBe(3);
      expect(result.rejected).toEqual([
        { index: 3, reason: 'too_many_labels', message: expect.stringContaining('metric wide has 4 labels') },
        { index: 2, reason: 'too_many_series', message: expect.stringContaining('metric exploding') },
      ]);
      // A reopened store counts the stored series against the cap too.
      const reopened = new EmbeddedMetricStore(db, { maxSeries: 2 });
      expect((await reopened.append([{ labels: { __name__: 'c' }, t: T0, v: 1 }])).rejected[0]?.reason).toBe('too_many_series');
      expect((await reopened.append([{ labels: { __name__: 'b' }, t: T0 + STEP, v: 1 }])).appended).toBe(1);
    });

    it('keeps every acknowledged sample, the open head included: a new store on the same database reads and extends it', async () => {
      const db = await fresh();
      const first = new EmbeddedMetricStore(db);
      // 130 samples: one full chunk, and a head of 10 that is only in the write-ahead log (no checkpoint ran).
      for (let i = 0; i < 130; i += 13) await first.append(series(cpu('a', 'idle'), 13, (j) => (i + j) * 0.5, T0 + i * STEP));
      const second = new EmbeddedMetricStore(db);
      const [read] = await second.select([NAME_CPU], T0, T0 + 1000 * STEP);
      expect(read?.samples).toEqual(Array.from({ length: 130 }, (_, i) => [T0 + i * STEP, i * 0.5]));
      // The reopened store continues the head: out-of-order and duplicates are still recognised.
      const result = await second.append([
        { labels: cpu('a', 'idle'), t: T0 + 129 * STEP, v: 129 * 0.5 },
        { labels: cpu('a', 'idle'), t: T0 + 5 * STEP, v: 0 },
        { labels: cpu('a', 'idle'), t: T0 + 130 * STEP, v: 65 },
      ]);
      expect(result).toMatchObject({ appended: 1, duplicates: 1, rejected: [{ index: 1, reason: 'out_of_order' }] });
      expect((await db.selectFrom('metric_wal').select('id').execute()).length).toBeGreaterThan(0);
      await second.flush();
      expect(await db.selectFrom('metric_wal').select('id').execute()).toEqual([]);
      const chunks = await db.selectFrom('metric_chunks').select(['count']).orderBy('min_time').execute();
      expect(chunks.map((c) => Number(c.count))).toEqual([120, 11]);
      const [again] = await new EmbeddedMetricStore(db).select([NAME_CPU], T0, T0 + 1000 * STEP);
      expect(again?.samples).toHaveLength(131);
    });

    it('deletes the matching series with their samples, and creates them anew afterwards', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      await store.append([...series(cpu('a', 'user'), 200), ...series(cpu('b', 'user'), 5)]);
      expect(await store.deleteSeries([NAME_CPU, m('instance', '=', 'a')])).toBe(1);
      expect((await store.select([NAME_CPU], T0, T0 + 1000 * STEP)).map((s) => s.labels.instance)).toEqual(['b']);
      expect(await store.labelValues('instance')).toEqual(['b']);
      await store.flush();
      expect(await db.selectFrom('metric_chunks').select('series_id').execute()).toHaveLength(1);
      // The deleted series starts over: an earlier time is no longer out of order.
      expect((await store.append(series(cpu('a', 'user'), 1))).appended).toBe(1);
    });

    it('places samples of frozen labels it met before, and finds their series again once the head is dropped', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      // A receiver hands the same frozen object for every sample of a series it knows.
      const up = Object.freeze({ __name__: 'up', job: 'a' });
      const at = (i: number, v = i) => ({ labels: up, t: T0 + i * STEP, v });
      const values = async () => (await store.select([m('__name__', '=', 'up')], T0, T0 + 1000 * STEP))[0]?.samples.map(([, v]) => v);
      expect((await store.append([at(0), at(1)])).appended).toBe(2);
      // Known labels are not checked again, but every sample still is.
      expect((await store.append([{ labels: up, t: T0 + 1.5, v: 1 }, at(2)])).rejected.map((r) => r.reason)).toEqual(['invalid']);

      // Deleted: the next sample creates the series anew, with none of the old samples.
      expect(await store.deleteSeries([m('__name__', '=', 'up')])).toBe(1);
      expect((await store.append([at(3)])).appended).toBe(1);
      expect(await values()).toEqual([3]);
      expect((await store.append([at(4)])).appended).toBe(1);

      // Pruned: the head goes with its chunk, and the series is read back from the database.
      await store.flush();
      await store.deleteBefore(T0 + 5 * STEP);
      expect((await store.append([at(6)])).appended).toBe(1);
      expect(await values()).toEqual([6]);
      expect(await db.selectFrom('metric_series').select('id').execute()).toHaveLength(1);

      // A failed append drops every head: the sample it held is not kept, and the next append starts from the database.
      const wal = (store as unknown as { wal: { write: () => Promise<void> } }).wal;
      const failing = vi.spyOn(wal, 'write').mockRejectedValueOnce(new Error('disk I/O error'));
      await expect(store.append([at(7)])).rejects.toThrow('disk I/O error');
      failing.mockRestore();
      expect((await store.append([at(8)])).appended).toBe(1);
      expect(await values()).toEqual([6, 8]);
      // The same labels in another object are the same series.
      expect((await store.append([{ labels: { job: 'a', __name__: 'up' }, t: T0 + 9 * STEP, v: 9 }])).appended).toBe(1);
      expect(await values()).toEqual([6, 8, 9]);
    });

    it('creates and checkpoints many series at once, and a new store reads every one back', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db);
      // 1,200 series: full batches of 500 rows (one statement each, reused) and a short one, for series, labels and chunks.
      const many = (round: number) =>
        Array.from({ length: 1_200 }, (_, i) => ({ labels: cpu(`h${i}`, 'user'), t: T0 + round * STEP, v: i + round }));
      expect((await store.append(many(0))).appended).toBe(1_200);
      expect((await store.append(many(1))).appended).toBe(1_200);
      await store.flush();
      const back = await new EmbeddedMetricStore(db).select([NAME_CPU], T0, T0 + STEP);
      expect(back).toHaveLength(1_200);
      const h7 = back.find((s) => s.labels.instance === 'h7');
      expect(h7?.labels).toEqual(cpu('h7', 'user'));
      expect(h7?.samples).toEqual([
        [T0, 7],
        [T0 + STEP, 8],
      ]);
      expect(await db.selectFrom('metric_series').select('id').execute()).toHaveLength(1_200);
    });

    it('keeps label sets apart whose texts would collide without quoting', async () => {
      const store = new EmbeddedMetricStore(await fresh());
      await store.append([
        { labels: { __name__: 'a{b="c"}' }, t: T0, v: 1 },
        { labels: { __name__: 'a', b: 'c' }, t: T0, v: 2 },
        { labels: { __name__: 'a', b: 'c', empty: '' }, t: T0 + STEP, v: 3 },
      ]);
      const all = await store.select([m('__name__', '=~', 'a.*')], T0, T0 + STEP);
      expect(all.map((s) => [s.labels, s.samples.map(([, v]) => v)])).toEqual([
        [{ __name__: 'a', b: 'c' }, [2, 3]],
        [{ __name__: 'a{b="c"}' }, [1]],
      ]);
    });
  });
}
