import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { MetricsTables } from '../metrics.tables';
import { EmbeddedMetricStore } from './embedded-metric-store';
import { reclaimFreePages } from './metric-compaction';
import type { MetricSample } from './metric-store';

const T0 = 1_704_110_400_000;
const SERIES = 1_000;
const ROUNDS = 60;

/** `SERIES` series of `ROUNDS` samples each, one append per round, then a checkpoint. */
async function filled(db: Kysely<MetricsTables>): Promise<EmbeddedMetricStore> {
  const store = new EmbeddedMetricStore(db);
  for (let r = 0; r < ROUNDS; r++) {
    const samples: MetricSample[] = [];
    for (let i = 0; i < SERIES; i++) {
      samples.push({ labels: { __name__: 'bench', instance: `host-${i}`, job: 'node' }, t: T0 + r * 10_000, v: Math.sin(i + r) * 1e3 });
    }
    await store.append(samples);
  }
  await store.flush();
  return store;
}

async function pragma(db: Kysely<MetricsTables>, name: 'freelist_count' | 'page_count' | 'page_size'): Promise<number> {
  const { rows } = await sql<Record<string, number>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
  return Number(Object.values(rows[0] ?? {})[0]);
}

const everyOddHost = [{ name: 'instance', op: '=~' as const, value: 'host-.*[13579]' }];

for (const engine of testEngines()) {
  describe(`reclaiming the metric store's free space on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    const fresh = async () => (await database()).db as Kysely<MetricsTables>;

    if (engine.dialect === 'postgres') {
      it('leaves PostgreSQL to its autovacuum', async () => {
        const db = await fresh();
        await filled(db);
        expect(await reclaimFreePages(db, 0)).toBeUndefined();
      });
      return;
    }

    it('gives the pages of deleted series back to the file system at the next flush, and keeps what remains readable', async () => {
      const db = await fresh();
      const store = await filled(db);
      const pagesBefore = await pragma(db, 'page_count');
      expect(await store.deleteSeries(everyOddHost)).toBe(SERIES / 2);
      const freed = await pragma(db, 'freelist_count');
      // Half the series' chunks and labels: well past a tenth of the file.
      expect(freed).toBeGreaterThan(pagesBefore / 4);
      await store.flush();
      expect(await pragma(db, 'freelist_count')).toBe(0);
      expect(await pragma(db, 'page_count')).toBe(pagesBefore - freed);
      const left = await store.select([{ name: '__name__', op: '=', value: 'bench' }], T0, T0 + ROUNDS * 10_000);
      expect(left).toHaveLength(SERIES / 2);
      expect(left.every((s) => s.samples.length === ROUNDS)).toBe(true);
      expect(left[0]?.samples[ROUNDS - 1]).toEqual([T0 + (ROUNDS - 1) * 10_000, Math.sin(0 + ROUNDS - 1) * 1e3]);
    });

    it("keeps the write-ahead log's pages for its next cycle, and a free space under a tenth of the file", async () => {
      const db = await fresh();
      await filled(db);
      const pageSize = await pragma(db, 'page_size');
      // The last flush emptied the log: its pages are free, and kept, since the next cycle would take them again.
      const logPages = Math.floor((ROUNDS * (4 + SERIES * 20)) / pageSize);
      const kept = await pragma(db, 'freelist_count');
      expect(kept).toBeGreaterThanOrEqual(logPages * 0.9);
      expect(kept).toBeGreaterThan((await pragma(db, 'page_count')) / 10);

      expect(await reclaimFreePages(db, 10 * pageSize)).toMatchObject({ pageSize, freeBefore: kept, released: kept - 10 });
      expect(await pragma(db, 'freelist_count')).toBe(10);
      // Ten pages are well under a tenth of the file: reused by the next writes rather than handed back.
      expect(await reclaimFreePages(db, 0)).toMatchObject({ freeBefore: 10, released: 0 });
      expect(await pragma(db, 'freelist_count')).toBe(10);
    });
  });
}
