import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { newId } from '../apps/server/src/platform/ids';
import { cpuSeconds, makeAgents, metricsOf, type SimulatedAgent, signedPost, snapshotHash, snapshotOf } from './support/agent-fleet';
import { openBenchStore } from './support/bench-store';
import { freePort, residentMemory, start, waitForOk } from './support/process-probe';
import { type Benchmark, compare } from './support/report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The peer: a bare Fastify 5 server that parses the same JSON bodies and answers as small a JSON document.
const BARE_SERVER = `
const app = require('fastify')({ logger: false, bodyLimit: 10485760 });
app.get('/readyz', async () => ({ status: 'ok' }));
app.post('/api/v1/agent/metrics', async (req) => ({ accepted: req.body.series.length }));
app.post('/api/v1/agent/inventory', async (req) => ({ hash: req.body.hash, ciId: null }));
app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) }).catch((err) => { console.error(err); process.exit(1); });
`;

interface FleetRun {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  inventories: number;
  metrics: number;
  cpuSeconds: number;
  rssMiB: number;
  p50Ms: number;
  p99Ms: number;
  maxLagMs: number;
  firstError: string | null;
}

/** An environment without the caller's Estate settings, so a developer's ESTATE_* cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ESTATE_') && key !== 'DATABASE_URL') env[key] = value;
  return { ...env, ...extra };
}

/**
 * Plays the fleet's schedule in real time for `durationMs`: every agent sends metrics every 30 s and its first (full)
 * inventory at a random moment of its 10-minute inventory interval, so a window shows the steady metrics load plus
 * the share of inventories that falls in it. Requests start on schedule, at most 256 in flight.
 */
async function playFleet(base: URL, agents: SimulatedAgent[], durationMs: number, signed: boolean, pid: number): Promise<FleetRun> {
  type Event = { at: number; agent: number; kind: 'metrics' | 'inventory' };
  const events: Event[] = [];
  agents.forEach((_, i) => {
    for (let at = Math.random() * 30_000; at < durationMs; at += 30_000) events.push({ at, agent: i, kind: 'metrics' });
    const inventoryAt = Math.random() * 600_000;
    if (inventoryAt < durationMs) events.push({ at: inventoryAt, agent: i, kind: 'inventory' });
  });
  events.sort((a, b) => a.at - b.at);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let inFlight = 0;
  let next = 0;
  let maxLagMs = 0;
  let firstError: string | null = null;
  let inventories = 0;
  let metrics = 0;
  const cpuBefore = cpuSeconds(pid);
  const t0 = performance.now();
  const pending = new Set<Promise<void>>();
  while (next < events.length) {
    const now = performance.now() - t0;
    while (next < events.length && (events[next] as Event).at <= now && inFlight < 256) {
      const event = events[next++] as Event;
      maxLagMs = Math.max(maxLagMs, now - event.at);
      const agent = agents[event.agent] as SimulatedAgent;
      const sentAt = performance.now();
      let body: unknown;
      if (event.kind === 'metrics') {
        body = metricsOf(Date.now());
        metrics++;
      } else {
        const snapshot = snapshotOf(agent, event.agent);
        body = { kind: 'full', collectedAt: Date.now(), hash: snapshotHash(snapshot), snapshot };
        inventories++;
      }
      inFlight++;
      const p = signedPost(base, httpAgent, signed ? agent : null, `/api/v1/agent/${event.kind}`, body).then((r) => {
        inFlight--;
        latencies.push(performance.now() - sentAt);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status !== 200 && firstError === null) firstError = `${r.status} ${r.body.slice(0, 300)}`;
      });
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
    await sleep(5);
  }
  await Promise.all(pending);
  const elapsed = performance.now() - t0;
  const cpu = cpuSeconds(pid) - cpuBefore;
  httpAgent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    sent: latencies.length,
    ok: statuses['200'] ?? 0,
    statuses,
    inventories,
    metrics,
    cpuSeconds: cpu / (elapsed / 1000),
    rssMiB: residentMemory(pid).rssMiB,
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    maxLagMs,
    firstError,
  };
}

/**
 * A simulated fleet against one server: 10,000 agents (500 with --quick), each sending metrics every 30 s and
 * inventory every 10 minutes, played in real time for 60 s (10 s quick) against Estate (SQLite, or PostgreSQL
 * with ESTATE_BENCH_DATABASE_URL) and against a bare Fastify server taking the same JSON. Reports the server's CPU
 * (cores busy over the window, and per agent), its RSS, latencies and how late the schedule ran.
 */
export const benchmark: Benchmark = {
  name: 'agent-fleet',
  description: 'simulated agent fleet (metrics every 30 s, inventory every 10 min) against one server, beside bare Fastify',
  async run({ quick }) {
    const count = quick ? 500 : 10_000;
    const durationMs = quick ? 10_000 : 60_000;
    const agents = makeAgents(count, () => newId());
    const store = await openBenchStore(process.env.ESTATE_BENCH_DATABASE_URL);
    const now = Date.now();
    const db = store.database.db;
    for (let i = 0; i < agents.length; i += 500) {
      await db
        .insertInto('agents')
        .values(
          agents.slice(i, i + 500).map((a) => ({
            id: a.id,
            hostname: a.hostname,
            machine_id: a.id.replace(/-/g, ''),
            status: 'active',
            version: 'bench',
            os: 'Debian GNU/Linux 12',
            ci_id: null,
            public_key: a.publicKeyPem,
            key_fingerprint: a.fingerprint,
            enrollment_token_id: null,
            enrolled_at: now,
            approved_at: now,
            approved_by: null,
            revoked_at: null,
            revoked_by: null,
            last_seen_at: null,
            last_address: null,
            dropped_records: 0,
            snapshot: null,
            snapshot_hash: null,
            snapshot_at: null,
            version_no: 1,
          })),
        )
        .execute();
    }
    await store.database.close();
    const runs: Record<string, FleetRun> = {};
    try {
      for (const side of ['estate', 'bare'] as const) {
        const port = await freePort();
        const env =
          side === 'estate'
            ? cleanEnv({
                ESTATE_DATA_DIR: store.config.dataDir,
                ...(store.config.databaseUrl ? { DATABASE_URL: store.config.databaseUrl } : {}),
                ESTATE_HOST: '127.0.0.1',
                ESTATE_PORT: String(port),
                ESTATE_LOG_LEVEL: 'warn',
                ESTATE_RATE_LIMIT: '1000000',
                ESTATE_LOCAL_AGENT: 'false',
              })
            : cleanEnv({ BENCH_PORT: String(port) });
        const args = side === 'estate' ? [path.join(ROOT, 'apps/cli/bin/estate.mjs'), 'serve'] : ['-e', BARE_SERVER];
        const proc = start(process.execPath, args, { cwd: ROOT, env });
        try {
          await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, performance.now(), 120_000);
          const pid = proc.child.pid as number;
          runs[side] = await playFleet(new URL(`http://127.0.0.1:${port}`), agents, durationMs, side === 'estate', pid);
        } finally {
          await proc.stop();
        }
      }
    } finally {
      await store.drop();
    }
    const ours = runs.estate as FleetRun;
    const peer = runs.bare as FleetRun;
    const perThousand = (r: FleetRun) => (r.cpuSeconds / count) * 1000 * 100;
    return {
      peerName: 'bare Fastify taking the same JSON bodies',
      comparisons: [
        compare({ metric: 'server CPU, cores busy', unit: 'cores', ours: ours.cpuSeconds, peer: peer.cpuSeconds, better: 'lower' }),
        compare({
          metric: 'server CPU per 1,000 agents',
          unit: '% of a core',
          ours: perThousand(ours),
          peer: perThousand(peer),
          better: 'lower',
        }),
        compare({
          metric: 'answered 200',
          unit: 'requests',
          ours: ours.ok,
          peer: peer.ok,
          better: 'higher',
          target: 'every request',
          meetsTarget: ours.ok === ours.sent,
        }),
        compare({ metric: 'p99 latency', unit: 'ms', ours: ours.p99Ms, peer: peer.p99Ms, better: 'lower' }),
        compare({
          metric: 'schedule lag (max)',
          unit: 'ms',
          ours: ours.maxLagMs,
          peer: peer.maxLagMs,
          better: 'lower',
          target: 'keeps up (< 1 s)',
          meetsTarget: ours.maxLagMs < 1000,
        }),
        compare({ metric: 'server RSS at the end', unit: 'MiB', ours: ours.rssMiB, peer: peer.rssMiB, better: 'lower' }),
      ],
      samples: { agents: count, durationMs, estate: ours, bare: peer },
      notes: [
        `${count} agents for ${durationMs / 1000} s: ${ours.metrics} metrics reports and ${ours.inventories} full inventories (first reports) sent`,
        `engine: ${process.env.ESTATE_BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'}`,
        ...(ours.firstError ? [`first Estate error: ${ours.firstError}`] : []),
      ],
    };
  },
};
