import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig } from '../src/platform/config/config';
import { type RunningServer, serve } from '../src/serve';

const root = mkdtempSync(path.join(tmpdir(), 'estate-serve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function configFor(overrides: Partial<Config> = {}): Config {
  const dataDir = path.join(root, `data-${++dirs}`);
  return loadConfig({}, { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', webDir: path.join(root, 'no-web'), ...overrides });
}

/** The error `serve` fails with; fails the test if it starts instead. */
async function serveError(config: Config): Promise<Error> {
  const lines: string[] = [];
  try {
    const running = await serve(config, { print: (l) => lines.push(l) });
    await running.stop();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`serve() started although it should have failed:\n${lines.join('\n')}`);
}

describe('serve', () => {
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
  });

  it('starts on a free port, prints its URL and a setup token, and answers /readyz (control)', async () => {
    const lines: string[] = [];
    const server = await serve(configFor(), { print: (l) => lines.push(l) });
    running.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.setupToken).toMatch(/^\S{16,}$/);
    expect(lines.join('\n')).toContain(server.url);
    expect(lines.join('\n')).toContain(server.setupToken!);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('starts with checks of its own web UI and this machine, running; once deleted they do not come back', async () => {
    const config = configFor();
    const server = await serve(config, { print: () => undefined });
    const { checks } = server.estate.monitoring;
    const listed = (await checks.list({})).items;
    expect(listed.map((c) => [c.name, c.type, c.target])).toEqual([
      ['Estate web UI', 'http', `${server.url}/healthz`],
      ['This machine (ping)', 'icmp', '127.0.0.1'],
    ]);
    // The worker role runs them: the web UI's check is up after a run now, recorded like a scheduled one.
    const web = listed[0]!;
    const system = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };
    expect((await checks.runNow(web.id, system)).status.state).toBe('up');
    expect(server.estate.monitoring.runner?.size).toBe(2);
    for (const check of listed) await checks.delete(check.id, check.version, system);
    await server.stop();
    const again = await serve(config, { print: () => undefined });
    running.push(again);
    expect((await again.estate.monitoring.checks.list({})).items).toEqual([]);
  });

  it('fails with a ConfigError naming ESTATE_PORT when the port is taken; the same data then starts elsewhere', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const config = configFor({ port });
      const err = await serveError(config);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toContain('ESTATE_PORT');
      expect(err.message).toContain(String(port));
      // The failed start closed what it opened: the same data directory serves on another port.
      const server = await serve({ ...config, port: 0 }, { print: () => undefined });
      running.push(server);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('fails with a ConfigError naming ESTATE_DATA_DIR when the data directory cannot be created', async () => {
    const file = path.join(root, 'a-regular-file');
    writeFileSync(file, 'not a directory');
    const dataDir = path.join(file, 'data');
    const err = await serveError(configFor({ dataDir }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('ESTATE_DATA_DIR');
    expect(err.message).toContain(dataDir);
  });

  it('fails with a ConfigError naming ESTATE_DATA_DIR when the data directory is read-only', async () => {
    // Root ignores permission bits, so as root use a place where nobody can create a directory.
    let dataDir = '/dev/null/estate-data';
    if (process.getuid?.() !== 0) {
      dataDir = path.join(root, 'read-only');
      mkdirSync(dataDir, { mode: 0o500 });
    }
    const err = await serveError(configFor({ dataDir }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('ESTATE_DATA_DIR');
  });

  it('creates its data files for its own user only, and warns at start about ones others may read', async () => {
    const previous = process.umask(0o022);
    try {
      const config = configFor({ logLevel: 'warn' });
      const start = async () => {
        const warnings: Array<{ path: string; mode: string; msg: string }> = [];
        const server = await serve(config, {
          print: () => undefined,
          logDestination: { write: (line) => warnings.push(JSON.parse(line)) },
        });
        await server.stop();
        return warnings;
      };
      expect(await start()).toEqual([]);
      const db = path.join(config.dataDir, 'estate.db');
      expect(statSync(config.dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(db).mode & 0o777).toBe(0o600);
      expect(statSync(config.secretKeyFile).mode & 0o777).toBe(0o600);

      chmodSync(config.dataDir, 0o755);
      chmodSync(db, 0o644);
      const warnings = await start();
      expect(warnings.map((w) => [w.path, w.mode])).toEqual([
        [path.resolve(config.dataDir), '0755'],
        [path.resolve(db), '0644'],
        // SQLite made the -wal and -shm files afresh with the store's own mode.
        [path.resolve(`${db}-wal`), '0644'],
        [path.resolve(`${db}-shm`), '0644'],
      ]);
      expect(warnings[0]?.msg).toContain('chmod 700');
      expect(warnings[1]?.msg).toContain('chmod 600');
    } finally {
      process.umask(previous);
    }
  });

  it('fails naming the host and DATABASE_URL, and never the password, when PostgreSQL is unreachable', async () => {
    const err = await serveError(configFor({ databaseUrl: 'postgres://estate:hunter2-secret@127.0.0.1:1/estate' }));
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).not.toContain('hunter2-secret');
  });
});
