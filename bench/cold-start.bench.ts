import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, residentMemory, start, waitForOk } from './support/process-probe';
import { type Benchmark, compare, median } from './support/report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The peer: the smallest Fastify 5 server that answers the same readiness path, started the same way (a fresh node).
const BARE_SERVER = `
const app = require('fastify')({ logger: false });
app.get('/readyz', async () => ({ status: 'ok' }));
app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT) }).catch((err) => { console.error(err); process.exit(1); });
`;

interface Sample {
  side: 'estate' | 'bare';
  readyMs: number;
  idleRssMiB: number;
  peakRssMiB: number;
}

/** An environment without the caller's Estate settings, so a developer's ESTATE_* or DATABASE_URL cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ESTATE_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, ...extra };
}

async function measure(side: Sample['side'], idleMs: number): Promise<Sample> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-bench-cold-'));
  const [args, env] =
    side === 'estate'
      ? [
          // What `npm start` runs: the bundle built by scripts/build-server.mjs (the prestart step builds it).
          ['--enable-source-maps', path.join(ROOT, 'apps/cli/dist/estate.mjs'), 'serve'],
          cleanEnv({ ESTATE_DATA_DIR: dataDir, ESTATE_HOST: '127.0.0.1', ESTATE_PORT: String(port) }),
        ]
      : [['-e', BARE_SERVER], cleanEnv({ BENCH_PORT: String(port) })];
  const startedAt = performance.now();
  const proc = start(process.execPath, args, { cwd: ROOT, env });
  try {
    const readyMs = await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, startedAt);
    await sleep(idleMs);
    const pid = proc.child.pid;
    if (pid === undefined) throw new Error(`${side}: no pid`);
    const memory = residentMemory(pid);
    return { side, readyMs, idleRssMiB: memory.rssMiB, peakRssMiB: memory.peakMiB };
  } finally {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * `estate serve` from a fresh data directory (migrations, secret key, setup token included) against a bare Fastify
 * hello server: milliseconds from spawn to the first 200 from /readyz, then resident memory after ~3 s idle. Runs
 * alternate between the two; medians are reported.
 */
export const benchmark: Benchmark = {
  name: 'cold-start',
  description: 'estate serve on a fresh data dir vs a bare node -e Fastify server: time to first 200 on /readyz, idle RSS',
  async run({ quick }) {
    const runs = quick ? 1 : 3;
    const idleMs = quick ? 1_000 : 3_000;
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await measure('bare', idleMs));
      samples.push(await measure('estate', idleMs));
    }
    const pick = (side: Sample['side'], f: (s: Sample) => number) => median(samples.filter((s) => s.side === side).map(f));
    const oursRss = pick('estate', (s) => s.idleRssMiB);
    return {
      peerName: 'bare Fastify hello server (node -e)',
      comparisons: [
        compare({
          metric: 'spawn to first 200 on /readyz',
          unit: 'ms',
          ours: pick('estate', (s) => s.readyMs),
          peer: pick('bare', (s) => s.readyMs),
          better: 'lower',
        }),
        compare({
          metric: `idle RSS after ${idleMs / 1000} s`,
          unit: 'MiB',
          ours: oursRss,
          peer: pick('bare', (s) => s.idleRssMiB),
          better: 'lower',
          target: 'Estate <= 150 MiB',
          meetsTarget: oursRss <= 150,
        }),
        compare({
          metric: 'peak RSS (VmHWM)',
          unit: 'MiB',
          ours: pick('estate', (s) => s.peakRssMiB),
          peer: pick('bare', (s) => s.peakRssMiB),
          better: 'lower',
        }),
      ],
      samples: { runs, idleMs, samples },
      notes: [
        `${runs} alternating run(s) each; medians. Estate runs through tsx (TypeScript compiled at start, cached after the first run), logging at its default level to a pipe.`,
      ],
    };
  },
};
