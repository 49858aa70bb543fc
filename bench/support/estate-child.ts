import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Permission } from '@estate/contract';
import { createEstate, migrate, openStore } from '../../apps/server/src/app';
import { loadConfig } from '../../apps/server/src/platform/config/config';
import { BENCH_ACTOR, BENCH_EMAIL, BENCH_PASSWORD } from './bench-estate';
import { cpuSeconds, freePort, type StartedProcess, start, waitForOk } from './process-probe';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A real `estate serve` in a child process, as `npm start` runs it, over a fresh SQLite data directory. */
export interface EstateChild {
  proc: StartedProcess;
  pid: number;
  base: string;
  /** The bearer token of an admin, limited to the scopes asked for. */
  headers: Record<string, string>;
  /** Stops the child (SIGTERM, SIGKILL after 30 s) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Makes a fresh data directory with an admin's API token of `scopes` (written before the child starts), then starts
 * the built bundle (apps/cli/dist/estate.mjs) with `nodeFlags` on a free loopback port and waits for /readyz.
 * The child runs without the local agent and with a rate limit too high to matter; it logs warnings only. The data
 * directory is made under `tmpRoot` (the system's temp directory by default); `env` adds settings of the child
 * (e.g. ESTATE_CHANNELS_ALLOW), after the bench's own.
 */
export async function startEstateChild(
  scopes: Permission[],
  options: { nodeFlags?: string[]; tmpRoot?: string; env?: Record<string, string> } = {},
): Promise<EstateChild> {
  const nodeFlags = options.nodeFlags ?? [];
  const dir = mkdtempSync(path.join(options.tmpRoot ?? tmpdir(), 'estate-bench-child-'));
  let proc: StartedProcess | undefined;
  try {
    const config = loadConfig({}, { dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'silent', webDir: path.join(dir, 'no-web') });
    const database = await openStore(config);
    await migrate(database);
    const estate = await createEstate(config, database, { logger: false });
    const { user } = await estate.auth.users.create(
      { email: BENCH_EMAIL, name: 'Bench', role: 'admin', password: BENCH_PASSWORD },
      BENCH_ACTOR,
    );
    const { token } = await estate.auth.tokens.create(user.id, { name: 'bench', scopes, expiresInDays: 1 }, BENCH_ACTOR);
    await estate.close();
    await database.close();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESTATE_')));
    Object.assign(env, {
      ESTATE_DATA_DIR: dir,
      ESTATE_HOST: '127.0.0.1',
      ESTATE_PORT: String(port),
      ESTATE_LOG_LEVEL: 'warn',
      ESTATE_RATE_LIMIT: '1000000',
      ESTATE_LOCAL_AGENT: 'false',
      ...options.env,
    });
    const started = start(process.execPath, [...nodeFlags, path.join(ROOT, 'apps/cli/dist/estate.mjs'), 'serve'], { cwd: ROOT, env });
    proc = started;
    const base = `http://127.0.0.1:${port}`;
    await waitForOk(`${base}/readyz`, started, performance.now());
    return {
      proc: started,
      pid: started.child.pid as number,
      base,
      headers: { authorization: `Bearer ${token}` },
      async stop() {
        await started.stop(30_000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proc?.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What creating checks through the API took. */
export interface CreatedChecks {
  /** The created checks' ids, in the order of their index. */
  ids: string[];
  seconds: number;
  /** CPU seconds of the Estate child (not its children) while creating. */
  cpuSeconds: number;
}

/**
 * Creates `count` checks through POST /api/v1/checks, `pool` requests at once; `bodyOf(i)` is the i-th request body.
 * Fails on the first answer other than 201, quoting it.
 */
export async function createChecks(
  child: EstateChild,
  count: number,
  bodyOf: (i: number) => Record<string, unknown>,
  pool = 16,
): Promise<CreatedChecks> {
  const ids: string[] = new Array(count);
  const started = performance.now();
  const cpu0 = cpuSeconds(child.pid);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${child.base}/api/v1/checks`, {
        method: 'POST',
        headers: { ...child.headers, 'content-type': 'application/json' },
        body: JSON.stringify(bodyOf(i)),
      });
      if (res.status !== 201) throw new Error(`POST /api/v1/checks answered ${res.status}: ${await res.text()}`);
      ids[i] = ((await res.json()) as { id: string }).id;
    }
  };
  await Promise.all(Array.from({ length: pool }, worker));
  return { ids, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(child.pid) - cpu0 };
}
