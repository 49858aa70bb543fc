import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestEstate, testEngines } from '../../../test/harness';
import type { MetricsTables } from './metrics.tables';
import { EmbeddedMetricStore } from './store/embedded-metric-store';

const T0 = 1_704_110_400_000;

for (const engine of testEngines()) {
  describe(`a clean stop on ${engine.dialect}`, () => {
    it('checkpoints the metric store: nothing is left in the log to replay, and every sample reads back', async () => {
      const t = await createTestEstate(engine);
      const db = t.database.db as Kysely<MetricsTables>;
      const samples = Array.from({ length: 10 }, (_, i) => ({
        labels: { __name__: 'stop_test', i: String(i % 3) },
        t: T0 + i * 1000,
        v: i,
      }));
      expect((await t.estate.metrics.store.append(samples)).appended).toBe(10);
      const logged = await db
        .selectFrom('metric_wal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(logged.n)).toBe(1);

      await t.estate.close();
      const left = await db
        .selectFrom('metric_wal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
      const read = await new EmbeddedMetricStore(db).select([{ name: '__name__', op: '=', value: 'stop_test' }], T0, T0 + 10_000);
      expect(read.map((s) => s.samples.length).sort()).toEqual([3, 3, 4]);
      await t.database.cleanup();
    });

    it('takes no write on the way out when the process wrote no sample (a CLI command beside a running server)', async () => {
      const t = await createTestEstate(engine);
      const store = new EmbeddedMetricStore(t.database.db as Kysely<MetricsTables>);
      expect(store.holdsUnwritten()).toBe(false);
      await store.select([{ name: '__name__', op: '=', value: 'anything' }], T0, T0 + 1);
      expect(store.holdsUnwritten()).toBe(false);
      await store.append([{ labels: { __name__: 'stop_test' }, t: T0, v: 1 }]);
      expect(store.holdsUnwritten()).toBe(true);
      await store.flush();
      expect(store.holdsUnwritten()).toBe(false);
      await t.close();
    });
  });
}
