import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enrollAgent, type RunningAgent, silentLogger, startAgent } from '@estate/agent';
import type { Check } from '@estate/contract';
import { loadConfig, type RunningServer, serve } from '@estate/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Agent-side checks end to end: a real server on a free port, a real agent enrolled against it with its own key and
 * its own plugin allow-list, checks assigned to it through the API. The agent fetches them over its signed channel,
 * runs Debian's monitoring-plugins, and delivers the results through its buffer; the server records them as the
 * checks' state, results and series.
 */

const PLUGINS = '/usr/lib/nagios/plugins';
const root = mkdtempSync(path.join(tmpdir(), 'estate-agent-checks-e2e-'));
let server: RunningServer;
let token: string;
let agent: RunningAgent | null = null;
let agentId: string;
let baseUrl: string;

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  const config = loadConfig(
    {},
    {
      dataDir: path.join(root, 'data'),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      webDir: path.join(root, 'no-web'),
      localAgent: false,
    },
  );
  server = await serve(config, { print: () => undefined });
  const address = server.estate.http.server.address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
  await server.estate.auth.users.createAdminFromCli('ops@example.org', 'Ops', 'correct horse battery staple 42');
  token = (
    await server.estate.auth.tokens.createFromCli('ops@example.org', {
      name: 'agent checks',
      scopes: ['monitoring:read', 'monitoring:write', 'metrics:read'],
      expiresInDays: 1,
    })
  ).token;
  const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };
  const enrollment = await server.estate.agents.tokens.create({ name: 'test host', ttlMinutes: 5 }, null, ctx);
  const stateDir = path.join(root, 'agent');
  agentId = (await enrollAgent({ serverUrl: baseUrl, token: enrollment.token, stateDir })).agentId;
  const configFile = path.join(root, 'agent.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      plugins: {
        dummy: { command: `${PLUGINS}/check_dummy`, allowedArgs: ['0', '1', '2', 'all fine'] },
        load: { command: `${PLUGINS}/check_load`, args: ['-w', '1000,1000,1000', '-c', '2000,2000,2000'] },
      },
    }),
    { mode: 0o644 },
  );
  agent = await startAgent({
    stateDir,
    configFile,
    log: silentLogger,
    intervals: { inventorySeconds: 3600, metricsSeconds: 3600 },
    backoff: { baseMs: 5, capMs: 40 },
    inventoryCollectors: [],
    metricCollectors: [],
    checksSyncSeconds: 3600,
    checksJitter: () => 0,
  });
}, 60_000);
afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function createCheck(name: string, config: Record<string, unknown>): Promise<Check> {
  const res = await api('POST', '/api/v1/checks', { name, type: 'nagios', config, intervalSeconds: 60, agentId });
  expect(res.status).toBe(201);
  return res.body as Check;
}

async function stateOf(id: string, until: (check: Check) => boolean): Promise<Check> {
  for (let i = 0; i < 200; i++) {
    await agent?.flush();
    const check = (await api('GET', `/api/v1/checks/${id}`)).body as Check;
    if (until(check)) return check;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`check ${id} never reached the expected state`);
}

describe('agent-side checks', () => {
  it('refuses an agent-side type without an agent and a push check with one; a network type with one is a collector check', async () => {
    const without = await api('POST', '/api/v1/checks', { name: 'x', type: 'nagios', config: { plugin: 'load' } });
    expect(without.status).toBe(400);
    expect(without.body.errors).toEqual([{ path: 'agentId', message: 'a nagios check needs the agent that runs it' }]);
    const push = await api('POST', '/api/v1/checks', { name: 'p', type: 'push', config: { periodSeconds: 60 }, agentId });
    expect(push.status).toBe(400);
    expect(push.body.errors[0].path).toBe('agentId');
    const collected = await api('POST', '/api/v1/checks', { name: 'y', type: 'tcp', config: { host: '127.0.0.1', port: 1 }, agentId });
    expect(collected.status).toBe(201);
    expect(collected.body.agentId).toBe(agentId);
    // This agent is not a collector: its list leaves the network check out.
    expect(await agent?.syncChecks()).not.toContain(collected.body.id);
    expect(
      (
        await api('DELETE', `/api/v1/checks/${collected.body.id}`, undefined, {
          'if-match': `"${collected.body.id}.${collected.body.version}"`,
        })
      ).status,
    ).toBe(204);
    const badConfig = await api('POST', '/api/v1/checks', { name: 'z', type: 'nagios', config: { plugin: '../../bin/sh' }, agentId });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.errors[0].path).toBe('config.plugin');
  });

  it("runs an allowed plugin on the agent: its exit code becomes the check's state, its perfdata series", async () => {
    const load = await createCheck('Load on the test host', { plugin: 'load' });
    const warn = await createCheck('A warning', { plugin: 'dummy', args: ['1', 'all fine'] });
    expect(load.agentId).toBe(agentId);
    expect((await agent?.syncChecks())?.sort()).toEqual([load.id, warn.id].sort());
    const loaded = await stateOf(load.id, (c) => c.status.lastRunAt !== null);
    expect(loaded.status.state).toBe('up');
    expect(loaded.status.lastMessage).toMatch(/^LOAD OK/);
    const warned = await stateOf(warn.id, (c) => c.status.lastRunAt !== null);
    expect(warned.status).toMatchObject({ state: 'degraded', lastMessage: 'WARNING: all fine' });
    const results = await api('GET', `/api/v1/checks/${load.id}/results`);
    expect(results.body.items[0].details.perfdata.map((d: { label: string }) => d.label)).toEqual(['load1', 'load5', 'load15']);
    const query = await api('GET', `/api/v1/query?query=${encodeURIComponent(`nagios_perfdata{check_id="${load.id}"}`)}`);
    expect(query.status).toBe(200);
    const labels = query.body.data.result.map((r: { metric: { label: string } }) => r.metric.label).sort();
    expect(labels).toEqual(['load1', 'load15', 'load5']);
  });

  it('records a plugin the host does not allow as unknown, saying so, without running it', async () => {
    const evil = await createCheck('Not allowed here', { plugin: 'check_by_ssh', args: ['-H', 'elsewhere'] });
    await agent?.syncChecks();
    const check = await stateOf(evil.id, (c) => c.status.lastRunAt !== null);
    expect(check.status.state).toBe('unknown');
    expect(check.status.lastMessage).toBe(
      'This host does not allow the plugin "check_by_ssh": its agent configuration allows dummy, load.',
    );
  });
});
