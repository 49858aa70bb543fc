import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { createEstate, type Estate, migrate, openStore } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/platform/config/config';
import type { Database } from '../apps/server/src/platform/db/database';
import { type LoadResult, runLoad } from './support/load-loop';
import { type Benchmark, compare, median } from './support/report';

const ME = '/api/v1/me';

interface Target {
  url: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real Estate over a fresh SQLite store in a temp directory, listening on 127.0.0.1 with an ephemeral port, with
 * an admin and an API token of scope `self` for them. The rate limit is raised so the load measures the stack, not
 * 429s; logging is off (as for the peer).
 */
async function startEstate(): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-bench-'));
  const config = loadConfig(
    {},
    { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', rateLimitPerMinute: 1_000_000, webDir: path.join(dataDir, 'no-web') },
  );
  let database: Database | undefined;
  let estate: Estate | undefined;
  try {
    database = await openStore(config);
    await migrate(database);
    estate = await createEstate(config, database, { logger: false });
    const ctx = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null, sourceIp: null };
    const { user } = await estate.auth.users.create(
      { email: 'bench-admin@example.org', name: 'Bench Admin', role: 'admin', password: 'correct horse battery staple 42' },
      ctx,
    );
    const { token } = await estate.auth.tokens.create(user.id, { name: 'bench', scopes: ['self'], expiresInDays: 1 }, ctx);
    await estate.http.listen({ host: '127.0.0.1', port: 0 });
    const address = estate.http.server.address();
    if (!address || typeof address === 'string') throw new Error('Estate is not listening on a TCP port.');
    const opened = { estate, database };
    return {
      url: `http://127.0.0.1:${address.port}${ME}`,
      headers: { authorization: `Bearer ${token}` },
      async close() {
        await opened.estate.close();
        await opened.database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await estate?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** The peer: a bare Fastify 5 route answering the same path with a small JSON object, no plugins, no auth. */
async function startBare(): Promise<Target> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.get(ME, async () => ({
    id: '0190a4b2-0000-7000-8000-000000000000',
    email: 'bench-admin@example.org',
    name: 'Bench Admin',
    role: 'admin',
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The bare server is not listening on a TCP port.');
  return { url: `http://127.0.0.1:${address.port}${ME}`, headers: {}, close: () => app.close() };
}

/** Checks one request answers 200 before loading a target, so a broken setup fails loudly instead of timing 401s. */
async function probe(target: Target, label: string): Promise<void> {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${label}: GET ${ME} answered ${res.status}: ${body.slice(0, 300)}`);
}

function assertClean(result: LoadResult, label: string): void {
  const bad = Object.entries(result.statuses).filter(([status]) => status !== '200');
  if (bad.length > 0 || result.timedOut) {
    throw new Error(
      `${label}: the load run was not clean (statuses ${JSON.stringify(result.statuses)}, timed out: ${result.timedOut}, first error: ${result.firstError}).`,
    );
  }
}

/**
 * Authenticated `GET /api/v1/me` through the whole Estate stack (rate limit, helmet headers, bearer-token lookup in
 * SQLite, permission check, schema-serialised reply) against a bare Fastify route in the same process and run.
 * Rounds alternate between the two so drift on the machine hits both alike; the median round of each is reported.
 */
export const benchmark: Benchmark = {
  name: 'me-vs-bare',
  description: 'Authenticated GET /api/v1/me (API token) through the full stack vs a bare Fastify route returning small JSON',
  async run({ quick }) {
    const rounds = quick ? 1 : 3;
    const load = { warmup: quick ? 500 : 2_000, requests: quick ? 2_000 : 20_000, concurrency: 32, timeoutMs: 120_000 };
    const ours = await startEstate();
    const peer = await startBare();
    const samples: { round: number; side: 'estate' | 'bare'; result: LoadResult }[] = [];
    try {
      await probe(ours, 'Estate');
      await probe(peer, 'bare Fastify');
      for (let round = 1; round <= rounds; round++) {
        for (const [side, target] of [
          ['bare', peer],
          ['estate', ours],
        ] as const) {
          const result = await runLoad({ ...load, url: target.url, headers: target.headers });
          assertClean(result, side);
          samples.push({ round, side, result });
        }
      }
    } finally {
      await ours.close();
      await peer.close();
    }
    const pick = (side: 'estate' | 'bare', f: (r: LoadResult) => number) =>
      median(samples.filter((s) => s.side === side).map((s) => f(s.result)));
    const oursRps = pick('estate', (r) => r.requestsPerSecond);
    const peerRps = pick('bare', (r) => r.requestsPerSecond);
    return {
      peerName: 'bare Fastify route, same process',
      comparisons: [
        compare({
          metric: 'GET /api/v1/me throughput',
          unit: 'req/s',
          ours: oursRps,
          peer: peerRps,
          better: 'higher',
          target: 'ratio >= 0.50',
          meetsTarget: oursRps / peerRps >= 0.5,
        }),
        compare({
          metric: 'GET /api/v1/me latency p50',
          unit: 'ms',
          ours: pick('estate', (r) => r.p50Ms),
          peer: pick('bare', (r) => r.p50Ms),
          better: 'lower',
        }),
        compare({
          metric: 'GET /api/v1/me latency p99',
          unit: 'ms',
          ours: pick('estate', (r) => r.p99Ms),
          peer: pick('bare', (r) => r.p99Ms),
          better: 'lower',
        }),
      ],
      samples: { load, rounds: samples },
      notes: [
        `${rounds} alternating round(s) of ${load.requests} requests after ${load.warmup} warm-up, concurrency ${load.concurrency}, keep-alive, load from a worker thread.`,
        'Both servers log nothing; Estate runs its rate limiter with a raised limit.',
      ],
    };
  },
};
