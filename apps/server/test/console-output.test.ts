import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EstateProcess, startEstate } from './fixtures/estate-process';

/**
 * What a person sees on the console of a real `estate serve` (the CLI, as `npm start` runs it, with the local agent
 * and the default log level): the start banner last with the setup link, one log line per API request and none for
 * the web UI's files, and a shutdown line on SIGTERM.
 */
describe('the console of estate serve', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'estate-console-'));
  let server: EstateProcess | undefined;
  afterAll(async () => {
    await server?.kill9();
    rmSync(root, { recursive: true, force: true });
  });

  it('prints the banner with the setup link last, logs API requests as one line each, and stops cleanly on SIGTERM', async () => {
    const webDir = path.join(root, 'no-web');
    server = await startEstate(
      { ESTATE_DATA_DIR: path.join(root, 'data'), ESTATE_LOG_LEVEL: 'info', ESTATE_WEB_DIR: webDir },
      { cwd: root, firstRun: true, timeoutMs: 90_000 },
    );
    // The banner's lines arrive one write at a time: read the output once its last line is in.
    await expect.poll(() => server?.output().includes('The setup page disappears for good')).toBe(true);
    const atBanner = server.output();
    const banner = atBanner.slice(atBanner.indexOf('Estate is running at'));
    // Everything start prints comes before the banner: the logs, the local agent's lines and its note.
    expect(atBanner.indexOf('reported by a local agent'), atBanner).toBeGreaterThan(-1);
    expect(atBanner.indexOf('reported by a local agent')).toBeLessThan(atBanner.indexOf('Estate is running at'));
    // The agent's first line is written by the (asynchronous) logger: it is out before the banner, not after it.
    expect(atBanner.indexOf('reporting to'), atBanner).toBeGreaterThan(-1);
    expect(atBanner.indexOf('reporting to')).toBeLessThan(atBanner.indexOf('Estate is running at'));
    expect(banner).toContain(`${server.url}/setup?token=${encodeURIComponent(server.setupToken!)}`);
    expect(server.setupToken!.startsWith('-')).toBe(false);
    expect(banner.trim().split('\n').at(-1)).toContain('The setup page disappears for good');

    const probe = await fetch(`${server.url}/api/v1/auth/session?token=never-logged`);
    expect(probe.status).toBe(200);
    const unknown = await fetch(`${server.url}/favicon.svg`);
    expect(unknown.status).toBe(404);
    await expect.poll(() => server!.output().includes('"path":"/api/v1/auth/session"')).toBe(true);
    const lines = server.output().split('\n');
    // Not a terminal: JSON lines, one per API request, none for the web UI's paths, no query strings.
    expect(lines.filter((l) => l.includes('"path":"/api/v1/auth/session"'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('/favicon.svg'))).toEqual([]);
    expect(server.output()).not.toContain('never-logged');
    expect(server.output()).not.toContain('incoming request');
    expect(server.output()).not.toContain('request completed');

    await server.stop();
    expect(server.child.exitCode, server.output()).toBe(0);
    expect(server.output().trim().split('\n').at(-1)).toBe('Estate stopped (SIGTERM).');
  }, 120_000);
});
