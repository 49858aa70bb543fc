import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAgent, startAgent } from './agent';
import { fakeRunnerClock } from './checks/runner-clock.fixture';
import { enrollAgent } from './enroll';
import { silentLogger } from './logger';
import { type SeamServer, startSeamServer } from './test-support/seam-server';

let server: SeamServer;
let dir: string;
let agent: RunningAgent | null = null;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (condition()) return;
    await sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}

beforeEach(async () => {
  server = await startSeamServer();
  dir = mkdtempSync(path.join(tmpdir(), 'estate-agent-checks-'));
});
afterEach(async () => {
  await agent?.stop();
  agent = null;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('agent-side checks over the signed channel', () => {
  it('keeps running its checks while the server is down and delivers every result afterwards, in order', async () => {
    const stateDir = path.join(dir, 'state');
    server.tokens.add('t');
    await enrollAgent({ serverUrl: server.url, token: 't', stateDir });
    const watched = path.join(dir, 'heartbeat.txt');
    writeFileSync(watched, 'x');
    server.checks = {
      version: 'v1',
      checks: [
        {
          id: '0190a000-0000-7000-8000-00000000c0c1',
          name: 'file',
          type: 'file',
          intervalSeconds: 10,
          timeoutSeconds: 5,
          config: { path: watched },
          version: 1,
        },
      ],
    };
    const clock = fakeRunnerClock(Date.UTC(2026, 0, 1));
    agent = await startAgent({
      stateDir,
      configFile: path.join(dir, 'no-config.json'),
      log: silentLogger,
      intervals: { inventorySeconds: 3600, metricsSeconds: 3600 },
      backoff: { baseMs: 5, capMs: 20 },
      inventoryCollectors: [],
      metricCollectors: [],
      checksSyncSeconds: 3600,
      checksClock: clock,
      checksJitter: () => 0,
    });
    expect(await agent.syncChecks()).toEqual(['0190a000-0000-7000-8000-00000000c0c1']);
    // An unchanged list is asked for with its version and answered without checks.
    await agent.syncChecks();
    const lists = server.requests.filter((r) => r.path.startsWith('/api/v1/agent/checks'));
    expect(lists.at(-1)?.path).toBe('/api/v1/agent/checks?version=v1');
    expect(lists.at(-1)?.status).toBe(200);

    server.mode = 'down';
    for (let i = 0; i < 5; i++) {
      clock.advance(i === 0 ? 0 : 10_000);
      await until(() => agent?.stats().buffer.pending === i + 1, `run ${i + 1} buffered`);
    }
    expect(server.checkRuns).toEqual([]);
    server.mode = 'normal';
    await agent.flush();
    expect(server.checkRuns.map((r) => r.at - Date.UTC(2026, 0, 1))).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(server.checkRuns.every((r) => r.status === 'up')).toBe(true);
  });
});
