/**
 * The checks list at 10,000 checks (issue 14: "a checks list that stays instant at 10,000 checks"; "checks list
 * response; RSS per 1,000 checks"). 10,000 HTTP checks are created through the service, their states recorded (a
 * few hundred down or degraded), and the list's requests — first page, the down ones, a search, the summary — are
 * loaded beside a bare Fastify route answering the same bodies (the floor of any Node HTTP API), on SQLite and, when
 * ESTATE_TEST_DATABASE_URL (or ESTATE_BENCH_DATABASE_URL) is set, on PostgreSQL. Then this process's runner schedules
 * the 10,000 checks (against a closed loopback port) and the growth of its resident memory is reported per 1,000.
 * Run: `npm run bench -- checks-list` (`--quick`: 1,000 checks, one round).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Kysely } from 'kysely';
import type { MonitoringTables } from '../apps/server/src/modules/monitoring';
import { CheckRecorder } from '../apps/server/src/modules/monitoring/state/check-recorder';
import { BENCH_ACTOR, type BenchEstate, startBare, startBenchEstate } from './support/bench-estate';
import { type LoadResult, runLoad } from './support/load-loop';
import { type Benchmark, type Comparison, compare, median } from './support/report';

const POOL = 16;

async function fill(ours: BenchEstate, count: number): Promise<{ createMs: number }> {
  const started = performance.now();
  const checks = ours.estate.monitoring.checks;
  let next = 0;
  const created: { id: string; name: string }[] = [];
  await Promise.all(
    Array.from({ length: POOL }, async () => {
      while (next < count) {
        const i = next++;
        const name = `web-${String(i).padStart(5, '0')}`;
        const check = await checks.create(
          { name, type: 'http', intervalSeconds: 10, config: { url: `http://127.0.0.1:9/${name}` } },
          BENCH_ACTOR,
        );
        created.push({ id: check.id, name });
      }
    }),
  );
  const recorder = new CheckRecorder(ours.database.db as unknown as Kysely<MonitoringTables>, undefined);
  const at = Date.now();
  for (const [i, c] of created.entries()) {
    const status = i % 67 === 0 ? 'down' : i % 201 === 0 ? 'degraded' : 'up';
    await recorder.record(
      { id: c.id, name: c.name, type: 'http', intervalMs: 10_000, retries: 0, ciIds: [] },
      { at, status, durationMs: 3 + (i % 40), message: status === 'up' ? '200 OK' : 'Condition failed', conditions: [], details: {} },
    );
  }
  await recorder.flush();
  return { createMs: performance.now() - started };
}

async function body(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export const benchmark: Benchmark = {
  name: 'checks-list',
  description: 'Checks list at 10,000 checks (first page, filter, search, summary) vs a bare route; RSS per 1,000 scheduled checks',
  async run({ quick }) {
    const count = quick ? 1_000 : 10_000;
    const load = { warmup: quick ? 100 : 500, requests: quick ? 1_000 : 5_000, concurrency: 16, timeoutMs: 120_000 };
    const rounds = quick ? 1 : 3;
    const engines: Array<[string, string | undefined]> = [['sqlite', undefined]];
    const pgUrl = process.env.ESTATE_BENCH_DATABASE_URL ?? process.env.ESTATE_TEST_DATABASE_URL;
    if (pgUrl) engines.push(['postgres', pgUrl]);
    const comparisons: Comparison[] = [];
    const notes: string[] = [];
    const samples: Record<string, unknown> = { count, load };
    for (const [engine, url] of engines) {
      const ours = await startBenchEstate(url, ['monitoring:read']);
      try {
        const { createMs } = await fill(ours, count);
        notes.push(`${engine}: created ${count} checks with their states in ${(createMs / 1000).toFixed(1)} s.`);
        const paths = {
          'first page of 50': '/api/v1/checks?limit=50',
          'down checks': '/api/v1/checks?state=down&limit=50',
          'search by name': '/api/v1/checks?q=web-0042&limit=50',
          summary: '/api/v1/checks/summary',
        };
        const bodies: Record<string, unknown> = {};
        for (const [metric, path] of Object.entries(paths))
          bodies[`/${metric.replaceAll(' ', '-')}`] = await body(`${ours.base}${path}`, ours.headers);
        const bare = await startBare(bodies);
        try {
          for (const [metric, path] of Object.entries(paths)) {
            const ourUrl = `${ours.base}${path}`;
            const peerUrl = `${bare.base}/${metric.replaceAll(' ', '-')}`;
            const runs: Array<{ ours: LoadResult; peer: LoadResult }> = [];
            for (let round = 0; round < rounds; round++) {
              const peerFirst = round % 2 === 0;
              const first = await runLoad({ ...load, url: peerFirst ? peerUrl : ourUrl, headers: peerFirst ? {} : ours.headers });
              const second = await runLoad({ ...load, url: peerFirst ? ourUrl : peerUrl, headers: peerFirst ? ours.headers : {} });
              runs.push(peerFirst ? { peer: first, ours: second } : { ours: first, peer: second });
            }
            samples[`${engine}:${metric}`] = runs;
            for (const { ours: o } of runs)
              if (o.statuses['200'] !== o.completed) notes.push(`${engine} ${metric}: ${JSON.stringify(o.statuses)}`);
            const p50 = median(runs.map((r) => r.ours.p50Ms));
            const peerP50 = median(runs.map((r) => r.peer.p50Ms));
            comparisons.push(
              compare({ metric: `${engine} ${metric} latency p50 (16 at once)`, unit: 'ms', ours: p50, peer: peerP50, better: 'lower' }),
            );
            const rate = median(runs.map((r) => r.ours.requestsPerSecond));
            const peerRate = median(runs.map((r) => r.peer.requestsPerSecond));
            comparisons.push(
              compare({ metric: `${engine} ${metric} throughput`, unit: 'req/s', ours: rate, peer: peerRate, better: 'higher' }),
            );
            notes.push(`${engine} ${metric}: p99 ${median(runs.map((r) => r.ours.p99Ms)).toFixed(1)} ms.`);
          }
        } finally {
          await bare.close();
        }
        if (engine === 'sqlite') notes.push(await schedulerMemory(ours, count));
      } finally {
        await ours.close();
      }
    }
    return { peerName: 'bare Fastify route answering the same bodies', comparisons, samples, notes };
  },
};

/** Starts the module's runner over the checks in this process and reports how much its resident memory grew. */
async function schedulerMemory(ours: BenchEstate, count: number): Promise<string> {
  // A full collection before each reading, so the figure is what stays, not garbage waiting for the collector.
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  await sleep(500);
  const before = process.memoryUsage().rss;
  const work = ours.estate.monitoring.work?.({ warn: () => undefined });
  if (!work) return 'monitoring has no runner: RSS per 1,000 checks not measured.';
  await work.start();
  const scheduled = ours.estate.monitoring.runner?.size ?? 0;
  // Two intervals: every check has run and recorded twice (a refused connection: the cheapest real run).
  await sleep(20_000);
  gc?.();
  const after = process.memoryUsage().rss;
  await work.stop();
  const per1000 = (after - before) / (count / 1000) / 2 ** 20;
  return `RSS with ${scheduled} checks scheduled and running: +${((after - before) / 2 ** 20).toFixed(0)} MiB, ${per1000.toFixed(1)} MiB per 1,000 checks (${gc ? 'after gc' : 'no --expose-gc: includes garbage'}).`;
}
