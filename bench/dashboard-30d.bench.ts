import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWriteRequestV1, snappyEncode, type WriteSeries } from '@estate/tsdb';
import { type Kysely, sql } from 'kysely';
import type { MetricsTables } from '../apps/server/src/modules/metrics/metrics.tables';
import { PromqlEngine } from '../apps/server/src/modules/metrics/promql/engine';
import type { Resolution } from '../apps/server/src/modules/metrics/promql/rollup-plan';
import { EmbeddedMetricStore } from '../apps/server/src/modules/metrics/store/embedded-metric-store';
import type { MetricSample } from '../apps/server/src/modules/metrics/store/metric-store';
import { StoreSeriesSource } from '../apps/server/src/modules/metrics/store-series-source';
import { openBenchStore } from './support/bench-store';
import { freePort, start as startProcess, waitForOk } from './support/process-probe';
import { type Benchmark, compare, median, p95 } from './support/report';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const SCRAPE = 30_000;
const INSTANCE = 'host-01:9100';

/** A host's ~20 series the way node_exporter names them: 8 counters, 12 gauges. */
const COUNTERS = ['cpu_user', 'cpu_system', 'cpu_iowait', 'net_rx', 'net_tx', 'disk_read', 'disk_written', 'context_switches'];
const GAUGES = [
  'load1',
  'load5',
  'load15',
  'mem_available',
  'mem_cached',
  'mem_free',
  'fs_avail_root',
  'fs_avail_data',
  'procs_running',
  'procs_blocked',
  'temp_cpu',
  'entropy',
];

function* days(count: number): Generator<MetricSample[]> {
  const state = new Float64Array(COUNTERS.length + GAUGES.length);
  for (let d = 0; d < count; d++) {
    const out: MetricSample[] = [];
    for (let i = 0; i < DAY / SCRAPE; i++) {
      const t = T0 + d * DAY + i * SCRAPE;
      const n = d * (DAY / SCRAPE) + i;
      COUNTERS.forEach((name, k) => {
        state[k] = (state[k] as number) + Math.round((1 + Math.sin(n / 97 + k)) * 500 * (k + 1)) / 100;
        out.push({ labels: { __name__: `node_${name}_total`, instance: INSTANCE, job: 'node' }, t, v: state[k] as number });
      });
      GAUGES.forEach((name, k) => {
        const v = Math.round((50 + 40 * Math.sin(n / 240 + k) + ((n * 7919 + k * 104729) % 100) / 10) * 100) / 100;
        out.push({ labels: { __name__: `node_${name}`, instance: INSTANCE, job: 'node' }, t, v });
      });
    }
    yield out;
  }
}

/** The panels of a host dashboard, as a UI asks them over 30 days at a 1-hour step. */
const PANELS = [
  'node_load1',
  'node_load5',
  'max_over_time(node_load15[1h])',
  'avg_over_time(node_mem_available[1h])',
  'min_over_time(node_fs_avail_root[1h])',
  'min_over_time(node_fs_avail_data[1h])',
  'max_over_time(node_temp_cpu[1h])',
  'rate(node_cpu_user_total[2h])',
  'rate(node_cpu_system_total[2h])',
  'rate(node_net_rx_total[2h])',
  'rate(node_net_tx_total[2h])',
  'increase(node_disk_read_total[2h])',
  'sum_over_time(node_procs_blocked[1h])',
  'count_over_time(node_procs_running[1h])',
];

/** A day's samples as remote_write 1.0 bodies of an hour each, in time order. */
function writeBodies(batch: MetricSample[]): Buffer[] {
  const bodies: Buffer[] = [];
  const perHour = (3_600_000 / SCRAPE) * (COUNTERS.length + GAUGES.length);
  for (let i = 0; i < batch.length; i += perHour) {
    const bySeries = new Map<string, WriteSeries>();
    for (const { labels, t, v } of batch.slice(i, i + perHour)) {
      const name = labels.__name__ as string;
      let series = bySeries.get(name);
      if (!series) {
        series = { labels: Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)), samples: [] };
        bySeries.set(name, series);
      }
      series.samples.push([t, v]);
    }
    bodies.push(Buffer.from(snappyEncode(encodeWriteRequestV1([...bySeries.values()]))));
  }
  return bodies;
}

/** Debian's Prometheus with the remote-write receiver on, keeping a year, in its own data directory. */
async function startPrometheus() {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-bench-dash-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
  const port = await freePort();
  const proc = startProcess(
    '/usr/bin/prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      '--storage.tsdb.retention.time=365d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { cwd: dir, env: process.env },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForOk(`${base}/-/ready`, proc, performance.now());
  return {
    base,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A 30-day host dashboard: 30 days of a host's 20 series every 30 s (1.7 million samples) in the embedded store,
 * rolled up, and the same samples remote-written (in time order) into Debian's Prometheus 2.42. The dashboard's
 * panels are range queries over the 30 days at a 1-hour step: Estate at `auto` (the 1-hour and 5-minute tiers, what
 * its dashboards ask) and at `raw` (every raw sample read and decoded, as Prometheus does); Prometheus over its HTTP
 * API. Estate's engine is timed in process: its HTTP layer adds about a millisecond per panel of this size.
 */
export const benchmark: Benchmark = {
  name: 'dashboard-30d',
  description: 'A 30-day host dashboard (20 series at 30 s): Estate on SQLite (auto/rollups and raw) vs Prometheus',
  async run({ quick }) {
    const dayCount = quick ? 7 : 30;
    const rounds = quick ? 2 : 5;
    const store = await openBenchStore(undefined);
    const prometheus = await startPrometheus();
    try {
      const db = store.database.db as Kysely<MetricsTables>;
      const end = T0 + dayCount * DAY;
      // Loaded a day per append with the clock at the day's start, so no sample counts as late (as for a host
      // reporting live); the rollup job then runs at the end of the data.
      let clock = T0;
      const metrics = new EmbeddedMetricStore(db, { now: () => clock });
      let samples = 0;
      for (const batch of days(dayCount)) {
        clock = (batch[0] as MetricSample).t;
        samples += (await metrics.append(batch)).appended;
        for (const body of writeBodies(batch)) {
          const res = await fetch(`${prometheus.base}/api/v1/write`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
          });
          if (res.status !== 204) throw new Error(`Prometheus answered ${res.status}: ${await res.text()}`);
        }
      }
      clock = end;
      const late = await db
        .selectFrom('metric_rollup_late')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(late.n) !== 0) throw new Error(`${late.n} buckets marked late: the load is not live-like`);
      const roll0 = performance.now();
      await metrics.rollups.run();
      const rollupS = (performance.now() - roll0) / 1000;
      const stored = await db
        .selectFrom('metric_rollups')
        .select((eb) => [eb.fn.sum<number>(sql`length(bytes)`).as('bytes'), eb.fn.sum<number>('count').as('buckets'), 'tier'])
        .groupBy('tier')
        .execute();

      const engine = new PromqlEngine(new StoreSeriesSource(metrics));
      const start = T0 + DAY;
      const dashboard = async (resolution: Resolution) => {
        const t0 = performance.now();
        let points = 0;
        for (const q of PANELS) {
          const r = await engine.evalRange(q, start, end, 3_600_000, resolution);
          for (const s of r.result as Array<{ values: unknown[] }>) points += s.values.length;
        }
        return { ms: performance.now() - t0, points };
      };
      const theirDashboard = async () => {
        const t0 = performance.now();
        let points = 0;
        for (const q of PANELS) {
          const params = new URLSearchParams({ query: q, start: String(start / 1000), end: String(end / 1000), step: '3600' });
          const res = await fetch(`${prometheus.base}/api/v1/query_range`, { method: 'POST', body: params });
          const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ values: unknown[] }> } };
          if (body.status !== 'success') throw new Error(`Prometheus: ${q}: ${body.error}`);
          for (const r of body.data.result) points += r.values.length;
        }
        return { ms: performance.now() - t0, points };
      };
      const times: Record<Resolution | 'prometheus', number[]> = { raw: [], auto: [], prometheus: [] };
      let points = { raw: 0, auto: 0, prometheus: 0 };
      for (let i = 0; i < rounds; i++) {
        for (const resolution of ['raw', 'auto'] as const) {
          const run = await dashboard(resolution);
          times[resolution].push(run.ms);
          points = { ...points, [resolution]: run.points };
        }
        const run = await theirDashboard();
        times.prometheus.push(run.ms);
        points = { ...points, prometheus: run.points };
      }
      if (points.raw !== points.prometheus) throw new Error(`Estate answered ${points.raw} points, Prometheus ${points.prometheus}`);
      const raw = median(times.raw);
      const auto = median(times.auto);
      const theirs = median(times.prometheus);
      const perBucket = Object.fromEntries(stored.map((r) => [r.tier, Number(r.bytes) / Number(r.buckets)]));
      return {
        peerName: 'Prometheus 2.42 (Debian), the same samples, same run',
        comparisons: [
          compare({
            metric: `${dayCount}-day dashboard (${PANELS.length} panels), median, Estate auto`,
            unit: 'ms',
            ours: auto,
            peer: theirs,
            better: 'lower',
            target: '≤ Prometheus',
            meetsTarget: auto <= theirs,
          }),
          compare({
            metric: `${dayCount}-day dashboard, p95, Estate auto`,
            unit: 'ms',
            ours: p95(times.auto),
            peer: p95(times.prometheus),
            better: 'lower',
          }),
          compare({
            metric: `${dayCount}-day dashboard, median, Estate raw`,
            unit: 'ms',
            ours: raw,
            peer: theirs,
            better: 'lower',
          }),
        ],
        samples: { dayCount, samples, rounds, times, points, rollupS, storedRollups: stored, bytesPerBucket: perBucket },
        notes: [
          `${samples} samples; the rollup job caught up on ${dayCount} days in ${rollupS.toFixed(1)} s.`,
          `Dashboard of ${PANELS.length} panels at a 1-hour step: Estate raw ${raw.toFixed(0)} ms, auto ${auto.toFixed(0)} ms (${(raw / auto).toFixed(1)}× faster); Prometheus ${theirs.toFixed(0)} ms; points answered raw ${points.raw}, auto ${points.auto}, Prometheus ${points.prometheus}.`,
          `Rollup payload per bucket (six XOR arrays): ${Object.entries(perBucket)
            .map(([tier, b]) => `${tier} ${b.toFixed(1)} B`)
            .join(', ')}.`,
        ],
      };
    } finally {
      await prometheus.stop();
      await store.drop();
    }
  },
};
