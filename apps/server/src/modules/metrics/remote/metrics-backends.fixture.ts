/*
 * Debian's real VictoriaMetrics and Prometheus, started on free loopback ports in a temporary directory for the
 * peers tier. Both take remote_write at /api/v1/write and answer PromQL at /api/v1/query….
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../../platform/db/test-databases';

export const VICTORIA_METRICS = '/usr/bin/victoria-metrics';
export const PROMETHEUS = '/usr/bin/prometheus';

/** A running backend: its base URL, and how to stop it and remove its data. */
export interface RunningBackend {
  kind: 'victoria-metrics' | 'prometheus';
  base: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function start(kind: RunningBackend['kind'], binary: string, args: (dir: string, port: number) => string[]): Promise<RunningBackend> {
  if (!existsSync(binary)) throw new Error(`peers tier required but ${binary} is missing (apt-get install ${kind}).`);
  const dir = mkdtempSync(join(tmpdir(), `estate-${kind}-`));
  if (kind === 'prometheus') writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(binary, args(dir, port), { stdio: 'ignore' });
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      if (exited) throw new Error(`${kind} exited before it was ready`);
      return (await fetch(`${base}/api/v1/status/buildinfo`).catch(() => undefined))?.ok === true;
    }, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { kind, base, stop };
}

/** VictoriaMetrics single-node, showing samples as soon as they are written (no latency offset, no result cache). */
export function startVictoriaMetrics(): Promise<RunningBackend> {
  return start('victoria-metrics', VICTORIA_METRICS, (dir, port) => [
    `-storageDataPath=${join(dir, 'data')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=100y',
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-loggerLevel=ERROR',
  ]);
}

/** Prometheus with the remote_write receiver and the admin API (for deleting series). */
export function startPrometheus(): Promise<RunningBackend> {
  return start('prometheus', PROMETHEUS, (dir, port) => [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--web.enable-admin-api',
    '--log.level=error',
  ]);
}
