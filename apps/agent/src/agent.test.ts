import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostSnapshot } from '@estate/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAgent, startAgent } from './agent';
import type { InventoryCollector, MetricCollector } from './collectors/collector';
import { enrollAgent } from './enroll';
import { keyFingerprint, statePaths } from './identity';
import type { AgentLogger } from './logger';
import { type SeamServer, startSeamServer } from './test-support/seam-server';

let server: SeamServer;
let stateDir: string;
let agent: RunningAgent | null = null;
const warnings: string[] = [];
const log: AgentLogger = { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

// A host whose inventory the test controls, and a counter metric whose points must arrive in order.
let packages: Record<string, { version: string }> = { bash: { version: '5.2' } };
const inventory: InventoryCollector = { name: 'fake-host', collect: async () => ({ hostname: 'seam-host', packages }) };
let counter = 0;
const metrics: MetricCollector = {
  name: 'counter',
  collect: async (at) => [{ name: 'test.counter', points: [[at + counter, counter++]] }],
};

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function enrolledAgent(
  options: { metricsSeconds?: number; bufferMaxBytes?: number; mode?: SeamServer['mode'] } = {},
): Promise<RunningAgent> {
  server.tokens.add('estate-enroll-test');
  await enrollAgent({ serverUrl: server.url, token: 'estate-enroll-test', stateDir });
  if (options.mode) server.mode = options.mode;
  agent = await startAgent({
    stateDir,
    log,
    intervals: { inventorySeconds: 3600, metricsSeconds: options.metricsSeconds ?? 3600 },
    backoff: { baseMs: 5, capMs: 40 },
    inventoryCollectors: [inventory],
    metricCollectors: [metrics],
    ...(options.bufferMaxBytes ? { bufferMaxBytes: options.bufferMaxBytes } : {}),
  });
  return agent;
}

const inventoryRequests = () => server.requests.filter((r) => r.path === '/api/v1/agent/inventory');

beforeEach(async () => {
  server = await startSeamServer();
  stateDir = mkdtempSync(path.join(tmpdir(), 'estate-agent-state-'));
  warnings.length = 0;
  packages = { bash: { version: '5.2' } };
});
afterEach(async () => {
  await agent?.stop();
  agent = null;
  await server.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('enrollment', () => {
  it('creates a key pair, keeps the private key to its owner and pins the server key', async () => {
    server.tokens.add('t1');
    const result = await enrollAgent({ serverUrl: server.url, token: 't1', stateDir });
    const paths = statePaths(stateDir);
    expect(statSync(paths.privateKey).mode & 0o777).toBe(0o600);
    expect(statSync(paths.identity).mode & 0o777).toBe(0o600);
    const identity = JSON.parse(readFileSync(paths.identity, 'utf8'));
    expect(identity).toMatchObject({ agentId: result.agentId, serverUrl: server.url, serverKey: server.serverKey });
    expect(identity.serverKeyFingerprint).toBe(keyFingerprint(server.serverKey));
    expect(readFileSync(paths.privateKey, 'utf8')).toContain('PRIVATE KEY');
    expect(server.agentKey?.export({ type: 'spki', format: 'pem' })).toBe(identity.publicKey);
  });

  it('refuses a used token, an enrolled state directory and an unexpected server key, writing nothing', async () => {
    server.tokens.add('t1');
    await enrollAgent({ serverUrl: server.url, token: 't1', stateDir });
    const before = readFileSync(statePaths(stateDir).identity, 'utf8');
    await expect(enrollAgent({ serverUrl: server.url, token: 't1', stateDir })).rejects.toMatchObject({ code: 'ESTATE_REFUSED' });
    await expect(enrollAgent({ serverUrl: server.url, token: 't1', stateDir, force: true })).rejects.toThrow(/refused the enrollment/);
    server.tokens.add('t2');
    await expect(
      enrollAgent({ serverUrl: server.url, token: 't2', stateDir, force: true, expectServerFingerprint: 'ab'.repeat(32) }),
    ).rejects.toThrow(/not the expected/);
    expect(readFileSync(statePaths(stateDir).identity, 'utf8')).toBe(before);
  });

  it('will not start with a private key others can read', async () => {
    server.tokens.add('t1');
    await enrollAgent({ serverUrl: server.url, token: 't1', stateDir });
    chmodSync(statePaths(stateDir).privateKey, 0o640);
    await expect(startAgent({ stateDir, log })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/chmod 600/) });
  });
});

describe('reporting through the seam server', () => {
  it('sends a full snapshot first, then only deltas when something changed, every request signed afresh', async () => {
    const running = await enrolledAgent();
    await until(() => server.snapshot !== null && running.stats().buffer.pending === 0, 'the first snapshot');
    expect(inventoryRequests().map((r) => (r.body as { kind: string }).kind)).toEqual(['full']);
    expect(server.snapshot?.packages).toEqual({ bash: { version: '5.2' } });

    packages = { bash: { version: '5.2.15' }, curl: { version: '7.88' } };
    await running.collectNow();
    await running.flush();
    const delta = inventoryRequests().at(-1)?.body as { kind: string; patch: unknown };
    expect(delta).toMatchObject({ kind: 'delta', patch: { packages: { bash: { version: '5.2.15' }, curl: { version: '7.88' } } } });
    expect(server.snapshot?.packages).toEqual(packages);

    // Nothing changed: no inventory report, but the heartbeat still goes out.
    const configCalls = server.requests.filter((r) => r.path === '/api/v1/agent/config').length;
    await running.collectNow();
    await running.flush();
    expect(inventoryRequests()).toHaveLength(2);
    expect(server.requests.filter((r) => r.path === '/api/v1/agent/config').length).toBe(configCalls + 1);

    expect(server.refused).toEqual([]);
    const nonces = server.requests.map((r) => r.nonce).filter(Boolean);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('sends a full snapshot when the server no longer holds the base of a delta', async () => {
    const running = await enrolledAgent();
    await until(() => server.snapshot !== null, 'the first snapshot');
    server.snapshot = null;
    server.snapshotHash = null;
    packages = { zsh: { version: '5.9' } };
    await running.collectNow();
    await running.flush();
    expect(inventoryRequests().map((r) => [(r.body as { kind: string }).kind, r.status])).toEqual([
      ['full', 200],
      ['delta', 409],
      ['full', 200],
    ]);
    expect((server.snapshot as HostSnapshot | null)?.packages).toEqual({ zsh: { version: '5.9' } });
  });

  it('buffers while the server is unreachable and then delivers every record in order', async () => {
    const running = await enrolledAgent({ metricsSeconds: 0.02, mode: 'down' });
    await until(() => running.stats().metricsReports >= 15, '15 metrics rounds');
    expect(running.stats().buffer.pending).toBeGreaterThanOrEqual(15);
    expect(server.points.size).toBe(0);
    server.mode = 'normal';
    await until(() => running.stats().buffer.pending === 0 && server.snapshot !== null, 'the buffer to drain');
    const points = server.points.get('test.counter{}') ?? [];
    expect(points.length).toBeGreaterThanOrEqual(15);
    expect(points.map(([, v]) => v)).toEqual([...points.map(([, v]) => v)].sort((a, b) => a - b));
    expect(warnings.filter((w) => /unreachable/.test(w))).toHaveLength(1);
    // The backlog went out in runs, not one request per round.
    const metricsPosts = server.requests.filter((r) => r.path === '/api/v1/agent/metrics').length;
    expect(metricsPosts).toBeLessThan(points.length);
  });

  it('treats an answer not signed by the pinned key as no answer, and retries with the same idempotency key', async () => {
    const running = await enrolledAgent({ mode: 'foreign-key' });
    await until(() => running.stats().sender.failures >= 3, 'three failed attempts');
    // The server did process the first attempt, but the agent could not trust its answer: nothing left the buffer.
    expect(running.stats().buffer.pending).toBeGreaterThan(0);
    expect(running.stats().sender.lastError).toMatch(/not trusted/);
    expect(warnings.filter((w) => /not trusted/.test(w)).length).toBeLessThanOrEqual(2);
    server.mode = 'normal';
    await running.flush();
    expect(running.stats().buffer.pending).toBe(0);
    // The oldest record was tried again and again: one idempotency key, a fresh nonce on every attempt.
    const first = server.requests.find((r) => r.method === 'POST' && r.idempotencyKey)?.idempotencyKey;
    const attempts = server.requests.filter((r) => r.idempotencyKey === first);
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(attempts.map((r) => r.nonce)).size).toBe(attempts.length);
    expect(server.snapshot?.packages).toEqual(packages);
    expect(server.refused).toEqual([]);
  });

  it('keeps its reports while it waits for approval, and delivers them once approved', async () => {
    const running = await enrolledAgent({ mode: 'pending' });
    await until(() => running.stats().status === 'pending' && running.stats().sender.failures >= 2, 'the pending answer');
    expect(running.stats().buffer.pending).toBeGreaterThan(0);
    expect(warnings.some((w) => /waits for an administrator/.test(w))).toBe(true);
    server.mode = 'normal';
    await running.collectNow();
    await running.flush();
    expect(running.stats().status).toBe('active');
    expect(server.snapshot?.packages).toEqual(packages);
  });

  it('drops a record the server refuses for good instead of blocking the queue behind it', async () => {
    const running = await enrolledAgent({ mode: 'reject-reports' });
    await until(() => running.stats().sender.rejected >= 2, 'two rejections');
    await running.flush();
    expect(running.stats().buffer.pending).toBe(0);
    expect(warnings.some((w) => /refused a .* for good \(422/.test(w))).toBe(true);
    server.mode = 'normal';
    packages = { fish: { version: '3.6' } };
    await running.collectNow();
    await running.flush();
    expect(server.snapshot?.packages).toEqual({ fish: { version: '3.6' } });
  });

  it('drops the oldest records when its buffer is full and reports how many', async () => {
    const running = await enrolledAgent({ metricsSeconds: 0.01, bufferMaxBytes: 8 * 1024, mode: 'down' });
    await until(() => running.stats().buffer.dropped > 0, 'a drop');
    server.mode = 'normal';
    // Points keep coming every 10 ms, so the backlog is rarely seen at exactly zero on a busy machine; a point
    // counted after the switch arriving shows that everything buffered before it was delivered, in order.
    const afterSwitch = counter;
    const received = () => (server.points.get('test.counter{}') ?? []).map(([, v]) => v);
    await until(() => server.dropped > 0 && received().some((v) => v >= afterSwitch), 'the backlog and the drop count to arrive', 15_000);
    const values = received();
    // The oldest were dropped: what arrived starts after 0 and is still in order.
    expect(values[0]).toBeGreaterThan(0);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });
});
