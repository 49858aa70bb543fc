import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { STALE_NAN } from '../promql/values';
import { EmbeddedMetricStore } from './embedded-metric-store';
import type { LabelMatcher, MetricSample, RollupBucket } from './metric-store';
import { RollupRepository } from './rollup.repository';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1); // midnight: 5-minute and hourly buckets align on it
const STEP = 30_000;
const NAME: LabelMatcher = { name: '__name__', op: '=', value: 'node_load1' };

/** `hours` of samples every 30 s of two hosts, values from a fixed pseudo-random walk, each 7th one off by a second. */
function samples(hours: number, from = T0): MetricSample[] {
  const out: MetricSample[] = [];
  for (const [k, instance] of ['a', 'b'].entries()) {
    for (let i = 0; i < (hours * 3_600_000) / STEP; i++) {
      const v = Math.round(Math.sin(i * 0.37 + k) * 1000) / 100 + (i % 13) * 0.25;
      out.push({ labels: { __name__: 'node_load1', instance }, t: from + i * STEP + (i % 7 === 0 ? 1_000 : 0), v });
    }
  }
  return out;
}

/** The buckets of `size` over raw samples, computed the plain way: group by ceil(t / size). */
function byHand(input: MetricSample[], instance: string, size: number): RollupBucket[] {
  const groups = new Map<number, MetricSample[]>();
  for (const s of input) {
    if (s.labels.instance !== instance || Number.isNaN(s.v)) continue;
    const end = Math.ceil(s.t / size) * size;
    groups.set(end, [...(groups.get(end) ?? []), s]);
  }
  return [...groups].map(([t, g]) => ({
    t,
    min: Math.min(...g.map((s) => s.v)),
    max: Math.max(...g.map((s) => s.v)),
    sum: g.reduce((n, s) => n + s.v, 0),
    count: g.length,
    last: g[g.length - 1]!.v,
    lastT: g[g.length - 1]!.t,
  }));
}

/** Buckets with sums compared to 9 significant digits (the order of additions differs between the tiers). */
const rounded = (bs: RollupBucket[]) => bs.map((b) => ({ ...b, sum: Number(b.sum.toPrecision(9)) }));

for (const engine of testEngines()) {
  describe(`rollup tiers of the embedded metric store on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    const fresh = async () => (await database()).db as Kysely<MetricsTables>;
    const clock = (at: number) => ({ now: () => at });

    it('rolls raw samples up into 5-minute and hourly buckets exactly, stale markers left out', async () => {
      const db = await fresh();
      const input = samples(26);
      // A stale marker ends host b for a moment: not a sample of any bucket.
      const stale = { labels: { __name__: 'node_load1', instance: 'b' }, t: T0 + 3 * 3_600_000 + 15_500, v: STALE_NAN };
      const all = [...input, stale].sort((x, y) => x.t - y.t);
      const store = new EmbeddedMetricStore(db, clock(T0 + 26 * 3_600_000));
      expect((await store.append(all)).rejected).toEqual([]);
      const newest = Math.max(...input.map((s) => s.t));
      expect(await store.rollups.run()).toEqual({
        '5m': Math.floor((newest - 300_000) / 300_000) * 300_000,
        '1h': T0 + 25 * 3_600_000,
      });
      const [a, b] = await store.selectRollup([NAME], T0, T0 + 26 * 3_600_000, '5m');
      expect(a?.labels.instance).toBe('a');
      expect(rounded(a!.buckets)).toEqual(rounded(byHand(input, 'a', 300_000)));
      expect(rounded(b!.buckets)).toEqual(rounded(byHand(input, 'b', 300_000)));
      const hourly = await store.selectRollup([NAME], T0, T0 + 26 * 3_600_000, '1h');
      expect(rounded(hourly[1]!.buckets)).toEqual(rounded(byHand(input, 'b', 3_600_000)));
      // Day blocks of 5-minute buckets: 288 buckets in the first day's row.
      const rows = await db
        .selectFrom('metric_rollups')
        .select(['tier', 'count'])
        .where('series_id', '=', 1)
        .orderBy('tier', 'desc')
        .orderBy('block_start')
        .execute();
      expect(rows.map((r) => [r.tier, Number(r.count)])).toEqual([
        ['5m', 288],
        ['5m', Math.floor((newest - 300_000 - T0 - DAY) / 300_000)],
        ['1h', 25],
      ]);
    });

    it('reads the same buckets before the job ran, computed from raw samples, as after', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, clock(T0 + 10 * 3_600_000));
      await store.append(samples(3));
      const before = await store.selectRollup([NAME], T0 + 3_600_000, T0 + 3 * 3_600_000, '5m');
      expect(before[0]?.buckets).toHaveLength(25);
      await store.rollups.run();
      expect(await store.rollups.watermark('5m')).toBeGreaterThan(T0 + 2 * 3_600_000);
      const after = await store.selectRollup([NAME], T0 + 3_600_000, T0 + 3 * 3_600_000, '5m');
      expect(rounded(after[0]!.buckets)).toEqual(rounded(before[0]!.buckets));
      expect(rounded(after[1]!.buckets)).toEqual(rounded(before[1]!.buckets));
    });

    it('is idempotent and resumes after a crash mid-way without counting a sample twice', async () => {
      const input = samples(30);
      const now = clock(T0 + 40 * 3_600_000);
      const reference = new EmbeddedMetricStore(await fresh(), now);
      await reference.append(input);
      await reference.rollups.run();
      const expected = await reference.selectRollup([NAME], T0, T0 + 40 * 3_600_000, '5m');
      const expectedHourly = await reference.selectRollup([NAME], T0, T0 + 40 * 3_600_000, '1h');

      const db = await fresh();
      let slices = 0;
      const crashing = new EmbeddedMetricStore(db, {
        ...now,
        rollups: {
          afterSlice: () => {
            if (++slices === 3) throw new Error('killed mid-slice');
          },
        },
      });
      await crashing.append(input);
      await expect(crashing.rollups.run()).rejects.toThrow('killed mid-slice');
      // Two slices of 6 hours committed; the third rolled back with its watermark.
      expect(await crashing.rollups.watermark('5m')).toBe(T0 + 12 * 3_600_000);
      // A bounded run stops between slices, as a process stopped there would.
      const resumed = new EmbeddedMetricStore(db, now);
      expect((await resumed.rollups.run({ maxSlices: 1 }))['5m']).toBe(T0 + 18 * 3_600_000);
      await resumed.rollups.run();
      await resumed.rollups.run();
      expect(await resumed.selectRollup([NAME], T0, T0 + 40 * 3_600_000, '5m')).toEqual(expected);
      expect(await resumed.selectRollup([NAME], T0, T0 + 40 * 3_600_000, '1h')).toEqual(expectedHourly);
      // Rolled up again from the start: the same rows, byte for byte.
      const bytes = async () =>
        (await db.selectFrom('metric_rollups').select(['bytes']).orderBy('series_id').orderBy('tier').orderBy('block_start').execute()).map(
          (r) => Buffer.from(r.bytes).toString('hex'),
        );
      const once = await bytes();
      await db.deleteFrom('metric_rollup_watermarks').execute();
      await resumed.rollups.run();
      expect(await bytes()).toEqual(once);
    });

    it('closes buckets an hour after their end when no newer sample comes', async () => {
      const db = await fresh();
      let now = T0 + 2 * 3_600_000;
      const store = new EmbeddedMetricStore(db, { now: () => now });
      await store.append(samples(2));
      // The newest sample is at 1:59:30 (a grace of 5 minutes: buckets to 1:50 are complete).
      expect((await store.rollups.run())['5m']).toBe(T0 + 110 * 60_000);
      now = T0 + 4 * 3_600_000;
      expect(await store.rollups.run()).toEqual({ '5m': T0 + 3 * 3_600_000, '1h': T0 + 3 * 3_600_000 });
      const [a] = await store.selectRollup([NAME], T0, T0 + 3 * 3_600_000, '5m');
      expect(a?.buckets).toHaveLength(24);
    });

    it('rolls up again the buckets of samples that arrive after the job passed them, once', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, clock(T0 + 10 * 3_600_000));
      await store.append(samples(2).filter((s) => s.labels.instance === 'a'));
      await store.rollups.run();
      expect(await store.rollups.watermark('5m')).toBe(T0 + 9 * 3_600_000);
      // Host b's buffered samples arrive hours late; host a's next ones too, in order but behind the watermark.
      const b = { __name__: 'node_load1', instance: 'b' };
      const a = { __name__: 'node_load1', instance: 'a' };
      await store.append([
        { labels: b, t: T0 + 10_000, v: 42 },
        { labels: b, t: T0 + 70_000, v: 40 },
        { labels: a, t: T0 + 2 * 3_600_000 + 10_000, v: 7 },
      ]);
      const late = await db.selectFrom('metric_rollup_late').select(['bucket_end']).orderBy('bucket_end').execute();
      expect(late.map((r) => Number(r.bucket_end) - T0)).toEqual([300_000, 2 * 3_600_000 + 300_000]);
      for (let i = 0; i < 2; i++) await store.rollups.run();
      const [fiveA, fiveB] = await store.selectRollup([NAME], T0, T0 + 3 * 3_600_000, '5m');
      expect(fiveB?.buckets).toEqual([{ t: T0 + 300_000, min: 40, max: 42, sum: 82, count: 2, last: 40, lastT: T0 + 70_000 }]);
      expect(fiveA?.buckets.at(-1)).toEqual({
        t: T0 + 2 * 3_600_000 + 300_000,
        min: 7,
        max: 7,
        sum: 7,
        count: 1,
        last: 7,
        lastT: T0 + 2 * 3_600_000 + 10_000,
      });
      const [hourA, hourB] = await store.selectRollup([NAME], T0, T0 + 3 * 3_600_000, '1h');
      expect(hourB?.buckets).toEqual([{ t: T0 + 3_600_000, min: 40, max: 42, sum: 82, count: 2, last: 40, lastT: T0 + 70_000 }]);
      // The first sample is at 0:00:01 and the 121st at 1:00:00, the end of the first (right-closed) hour.
      expect(hourA?.buckets.map((h) => h.count)).toEqual([121, 119, 1]);
      expect(await db.selectFrom('metric_rollup_late').selectAll().execute()).toEqual([]);
    });

    it('with serialized writes, marks only the late buckets the job has passed, and still rolls up the others whole', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, { now: () => T0 + 10 * 3_600_000, rollups: { serializedWrites: true } });
      // History before the job ever ran: nothing it has passed, so no mark; its first run rolls the buckets up.
      const history = samples(2).filter((s) => s.labels.instance === 'a');
      await store.append(history);
      expect(await db.selectFrom('metric_rollup_late').selectAll().execute()).toEqual([]);
      await store.rollups.run();
      expect(await store.rollups.watermark('5m')).toBe(T0 + 9 * 3_600_000);
      // Behind the watermark now: marked, and rolled up again with the sample.
      const b = { __name__: 'node_load1', instance: 'b' };
      await store.append([{ labels: b, t: T0 + 10_000, v: 42 }]);
      const late = await db.selectFrom('metric_rollup_late').select(['bucket_end']).execute();
      expect(late.map((r) => Number(r.bucket_end) - T0)).toEqual([300_000]);
      await store.rollups.run();
      const [fiveA, fiveB] = await store.selectRollup([NAME], T0, T0 + 3 * 3_600_000, '5m');
      expect(fiveB?.buckets).toEqual([{ t: T0 + 300_000, min: 42, max: 42, sum: 42, count: 1, last: 42, lastT: T0 + 10_000 }]);
      expect(fiveA?.buckets).toEqual(byHand(history, 'a', 300_000));
      expect(await db.selectFrom('metric_rollup_late').selectAll().execute()).toEqual([]);
    });

    it('does not roll a late bucket up again once its raw samples are pruned: it keeps what it had', async () => {
      const db = await fresh();
      const now = T0 + 10 * 3_600_000;
      const store = new EmbeddedMetricStore(db, clock(now));
      await store.append(samples(2).filter((s) => s.labels.instance === 'a'));
      await store.rollups.run();
      const before = await store.selectRollup([NAME], T0, T0 + 2 * 3_600_000, '5m');
      const retention = { raw: 3_600_000, '5m': DAY, '1h': DAY };
      expect((await store.rollups.prune(now, retention, (c) => store.deleteBefore(c))).raw).toBe(2);
      // A late sample of host a's first bucket (taken: the series' chunks are gone with its head): the bucket's other
      // samples are gone, so it is not recomputed from this one alone.
      const appended = await store.append([{ labels: { __name__: 'node_load1', instance: 'a' }, t: T0 + 10_000, v: 99 }]);
      expect(appended.appended).toBe(1);
      expect(await db.selectFrom('metric_rollup_late').select('bucket_end').execute()).toHaveLength(1);
      await store.rollups.run();
      expect(await store.selectRollup([NAME], T0, T0 + 2 * 3_600_000, '5m')).toEqual(before);
      expect(await db.selectFrom('metric_rollup_late').selectAll().execute()).toEqual([]);
    });

    it('keeps a late mark renewed while the job was rolling it up, for the next run', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, clock(T0 + 10 * 3_600_000));
      await store.append(samples(1).filter((s) => s.labels.instance === 'a'));
      const repo = new RollupRepository(db);
      const seen = await repo.lateBuckets(db, T0 + 3_600_000, 1_000);
      expect(seen.length).toBe(12);
      await db.transaction().execute((trx) => store.rollups.markLate(trx, [[1, T0 + 10_000]]));
      await repo.clearLate(db, seen);
      expect((await db.selectFrom('metric_rollup_late').select('bucket_end').execute()).map((r) => Number(r.bucket_end))).toEqual([
        T0 + 300_000,
      ]);
    });

    it('marks many buckets at once, each keeping its newest mark', async () => {
      const db = await fresh();
      const store = new EmbeddedMetricStore(db, clock(T0));
      await store.append(Array.from({ length: 1_200 }, (_, i) => ({ labels: { __name__: 'many', i: String(i) }, t: T0, v: i })));
      const ids = (await db.selectFrom('metric_series').select('id').orderBy('id').execute()).map((r) => Number(r.id));
      const repo = new RollupRepository(db);
      // 1,200 marks: two full batches (one statement, compiled once) and a short one, twice over with new marks.
      const rows = (mark: number) => ids.map((id, i) => ({ series_id: id, bucket_end: T0 + (1 + (i % 3)) * 300_000, mark: mark + i }));
      for (const mark of [1_000, 5_000]) await db.transaction().execute((trx) => repo.markLate(trx, rows(mark)));
      const stored = await repo.lateBuckets(db, T0 + 3_600_000, 5_000);
      expect(stored.sort((x, y) => x.series_id - y.series_id)).toEqual(rows(5_000));
    });

    it('prunes each tier past its own retention, and nothing before the next tier has rolled it up', async () => {
      const db = await fresh();
      let now = T0 + 48 * 3_600_000;
      const store = new EmbeddedMetricStore(db, { now: () => now });
      await store.append(samples(48));
      const retention = { raw: DAY, '5m': 2 * DAY, '1h': 3 * DAY };
      const count = async (tier: string) =>
        tier === 'raw'
          ? (await db.selectFrom('metric_chunks').select('series_id').execute()).length
          : (await db.selectFrom('metric_rollups').select('series_id').where('tier', '=', tier).execute()).length;
      // Before any rollup, raw samples past their retention are kept: they are not rolled up yet.
      expect(await store.rollups.prune(now, retention, (c) => store.deleteBefore(c))).toEqual({ raw: 0, '5m': 0, '1h': 0 });
      await store.rollups.run();
      expect(await count('5m')).toBe(4);
      expect(await count('1h')).toBe(2);
      const rawBefore = await count('raw');
      const pruned = await store.rollups.prune(now, retention, (c) => store.deleteBefore(c));
      // Raw chunks (an hour each) that ended more than a day ago, at T0 + 24 h: the first 24 of each host.
      expect(pruned).toEqual({ raw: 2 * 24, '5m': 0, '1h': 0 });
      expect(await count('raw')).toBe(rawBefore - 48);
      now = T0 + 3 * DAY + 3_600_000;
      // Raw: hours 24 to 46; hour 47 ends after the 5-minute watermark (47:50) and waits. 5-minute: the first day.
      expect(await store.rollups.prune(now, retention, (c) => store.deleteBefore(c))).toEqual({ raw: 46, '5m': 2, '1h': 0 });
      now = T0 + 10 * DAY;
      // The second day's 5-minute block holds buckets past the hourly watermark (47 h): kept until rolled up.
      expect(await store.rollups.prune(now, retention, (c) => store.deleteBefore(c))).toEqual({ raw: 0, '5m': 0, '1h': 2 });
      expect(await store.selectRollup([NAME], T0, T0 + 47 * 3_600_000, '1h')).toEqual([
        { labels: { __name__: 'node_load1', instance: 'a' }, buckets: [] },
        { labels: { __name__: 'node_load1', instance: 'b' }, buckets: [] },
      ]);
    });
  });
}
