import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real `estate serve` child process on a fresh data directory and a free loopback port. */
export interface ServerProcess {
  url: string;
  /** The server's data directory (its SQLite store is `estate.db` in it). */
  dataDir: string;
  setupToken: string;
  /** The setup link the console printed (`…/setup?token=…`), or '' once an admin exists. */
  setupUrl: string;
  output: () => string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the server exactly as `npm start` does and waits for its setup token. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-e2e-'));
  return spawnServer(dataDir, await freePort(), env, /\/setup\?token=(\S+)\s*\n/);
}

/**
 * Starts the server again on the data directory and port of one that stopped, and waits until it listens (an
 * initialised store prints no setup token; `setupToken` is then '').
 */
export function restartServer(previous: ServerProcess, env: Record<string, string> = {}): Promise<ServerProcess> {
  return spawnServer(previous.dataDir, Number(new URL(previous.url).port), env, /Estate is running at (\S+)/);
}

async function spawnServer(dataDir: string, port: number, env: Record<string, string>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['apps/cli/bin/estate.mjs', 'serve'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ESTATE_DATA_DIR: dataDir,
      ESTATE_PORT: String(port),
      ESTATE_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const match = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print ${ready}:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      const found = ready.exec(out);
      if (found?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(found[1]);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    setupToken: ready.source.includes('setup') ? decodeURIComponent(match) : '',
    setupUrl: /(\S+\/setup\?token=\S+)\s*\n/.exec(out)?.[1] ?? '',
    output: () => out,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
