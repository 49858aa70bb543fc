import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshDatabases, testEngines } from '../../platform/db/test-databases';
import { StoreSink } from './metric-sink';
import type { MetricsTables } from './metrics.tables';
import { EmbeddedMetricStore } from './store/embedded-metric-store';

const T0 = 1_704_110_400_000;
const source = { agentId: 'a-1', instance: 'web-01', ciId: 'ci-1' };

for (const engine of testEngines()) {
  describe(`the store sink on ${engine.dialect}`, () => {
    const database = freshDatabases(engine);
    async function fresh() {
      const db = (await database()).db as Kysely<MetricsTables>;
      const store = new EmbeddedMetricStore(db);
      return { db, store, sink: new StoreSink(store) };
    }

    it("stores an agent's report in the caller's transaction under node_exporter names, once", async () => {
      const { db, store, sink } = await fresh();
      const report = [
        { name: 'net.rx_bytes', labels: { iface: 'eth0' }, points: [[T0, 100] as const, [T0 + 10_000, 250] as const] },
        { name: 'load.1', points: [[T0, 0.75] as const] },
      ];
      expect(await db.transaction().execute((trx) => sink.append(trx, source, report))).toBe(3);
      expect(await db.transaction().execute((trx) => sink.append(trx, source, report))).toBe(0);
      const rx = await store.select([{ name: '__name__', op: '=', value: 'node_network_receive_bytes_total' }], 0, T0 + 60_000);
      expect(rx).toEqual([
        {
          labels: {
            __name__: 'node_network_receive_bytes_total',
            device: 'eth0',
            instance: 'web-01',
            ci_id: 'ci-1',
            agent_id: 'a-1',
            job: 'estate-agent',
          },
          samples: [
            [T0, 100],
            [T0 + 10_000, 250],
          ],
        },
      ]);
      const byCi = await store.select([{ name: 'ci_id', op: '=', value: 'ci-1' }], 0, T0 + 60_000);
      expect(byCi.map((s) => s.labels.__name__)).toEqual(['node_load1', 'node_network_receive_bytes_total']);
    });

    it('keeps nothing of a rolled-back transaction once the sink is told, even after a checkpoint', async () => {
      const { db, store, sink } = await fresh();
      await expect(
        db.transaction().execute(async (trx) => {
          await sink.append(trx, source, [{ name: 'load.5', points: [[T0, 1]] }]);
          throw new Error('the report failed');
        }),
      ).rejects.toThrow('the report failed');
      sink.discard();
      await store.flush();
      expect(await store.select([{ name: '__name__', op: '=', value: 'node_load5' }], 0, T0)).toEqual([]);
      expect(await db.transaction().execute((trx) => sink.append(trx, source, [{ name: 'load.5', points: [[T0 + 1, 2]] }]))).toBe(1);
      const [s] = await store.select([{ name: '__name__', op: '=', value: 'node_load5' }], 0, T0 + 1);
      expect(s?.samples).toEqual([[T0 + 1, 2]]);
    });

    it('prunes raw chunks whose newest sample is past the cutoff, and keeps appending after', async () => {
      const { store, sink, db } = await fresh();
      const at = (t: number, name: string) => db.transaction().execute((trx) => sink.append(trx, source, [{ name, points: [[t, 1]] }]));
      await at(T0, 'load.1');
      await at(T0 + 3 * 3_600_000, 'load.5');
      expect(await sink.prune(T0 + 1)).toBe(1);
      expect(await sink.prune(T0 + 1)).toBe(0);
      await at(T0 + 4 * 3_600_000, 'load.1');
      const all = await store.select([{ name: 'job', op: '=', value: 'estate-agent' }], 0, T0 + 5 * 3_600_000);
      expect(all.map((s) => [s.labels.__name__, s.samples])).toEqual([
        ['node_load1', [[T0 + 4 * 3_600_000, 1]]],
        ['node_load5', [[T0 + 3 * 3_600_000, 1]]],
      ]);
    });
  });
}
