import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedMetricStore, type MetricsTables } from '../modules/metrics';
import { migrateToLatest } from '../platform/db/migrate';
import { type TestDatabase, testEngines } from '../platform/db/test-databases';
import { parseSeriesKey } from './0021-agent-samples-into-store';
import { migrationsFor } from './index';

const T0 = 1_704_110_400_000;
const agentIds = ['0190a000-0000-7000-8000-0000000000a1', '0190a000-0000-7000-8000-0000000000a2'];
/** More rows than one page of the migration, and more samples per series than one chunk. */
const CPU_POINTS = 3100;

describe('parseSeriesKey', () => {
  it('reads back the keys agent_samples stored, escapes included', () => {
    expect(parseSeriesKey('load.1')).toEqual({ name: 'load.1', labels: {} });
    expect(parseSeriesKey('fs.used_bytes{mount="/var/a \\"b\\"\\\\c"}')).toEqual({
      name: 'fs.used_bytes',
      labels: { mount: '/var/a "b"\\c' },
    });
    expect(parseSeriesKey('x{a="1",b="2,3"}')).toEqual({ name: 'x', labels: { a: '1', b: '2,3' } });
  });
});

for (const engine of testEngines()) {
  describe(`migration 0021-agent-samples-into-store on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it("moves every agent sample into the store under node_exporter names and the agent's labels, and drops the table", async () => {
      database = await engine.create({ migrate: false });
      const all = migrationsFor(engine.dialect);
      await migrateToLatest(database, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0021')));
      const db = database.db;
      await db
        .insertInto('agents')
        .values(
          agentIds.map((id, i) => ({
            id,
            hostname: `host-${i}`,
            machine_id: String(i).repeat(32),
            status: 'active',
            version: '0.1.0',
            os: 'Debian 12',
            public_key: 'key',
            key_fingerprint: String(i).repeat(64),
            enrolled_at: T0,
            dropped_records: 0,
            version_no: 1,
          })),
        )
        .execute();
      const rows = agentIds.flatMap((agent_id, a) => [
        ...Array.from({ length: CPU_POINTS }, (_, i) => ({ agent_id, series: 'cpu.usage', at: T0 + i * 10_000, value: (i % 100) + a })),
        { agent_id, series: 'net.rx_bytes{iface="eth0"}', at: T0, value: 1e12 + a },
        { agent_id, series: 'fs.used_bytes{mount="/srv \\"x\\""}', at: T0, value: 5 },
      ]);
      for (let i = 0; i < rows.length; i += 500)
        await db
          .insertInto('agent_samples')
          .values(rows.slice(i, i + 500))
          .execute();

      expect(await migrateToLatest(database, all)).toContain('0021-agent-samples-into-store');

      const store = new EmbeddedMetricStore(database.db as Kysely<MetricsTables>);
      const end = T0 + CPU_POINTS * 10_000;
      const cpu = await store.select([{ name: '__name__', op: '=', value: 'estate_host_cpu_utilisation_ratio' }], 0, end);
      expect(cpu.map((s) => s.labels)).toEqual(
        agentIds.map((agent_id, i) => ({
          __name__: 'estate_host_cpu_utilisation_ratio',
          agent_id,
          instance: `host-${i}`,
          job: 'estate-agent',
        })),
      );
      cpu.forEach((s, a) => {
        expect(s.samples).toHaveLength(CPU_POINTS);
        expect(s.samples[CPU_POINTS - 1]).toEqual([T0 + (CPU_POINTS - 1) * 10_000, (((CPU_POINTS - 1) % 100) + a) / 100]);
      });
      const rx = await store.select([{ name: 'device', op: '=', value: 'eth0' }], 0, end);
      expect(rx.map((s) => [s.labels.__name__, s.labels.instance, s.samples])).toEqual([
        ['node_network_receive_bytes_total', 'host-0', [[T0, 1e12]]],
        ['node_network_receive_bytes_total', 'host-1', [[T0, 1e12 + 1]]],
      ]);
      expect(await store.labelValues('mountpoint')).toEqual(['/srv "x"']);
      const chunks = await db
        .selectFrom('metric_chunks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(chunks.n)).toBe(2 * Math.ceil(CPU_POINTS / 120) + 4);
      await expect(db.selectFrom('agent_samples').selectAll().execute()).rejects.toThrow();
    });
  });
}
