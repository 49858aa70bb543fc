import http from 'node:http';
import net from 'node:net';
import { addressRefusal } from '@estate/checks';
import type { AgentCheckDefinition } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkChecks } from './network-checks';
import { PluginAllowList } from './plugin-config';
import { runAgentCheck } from './run-check';

const NOW = Date.parse('2026-06-01T00:00:00Z');
let version = 0;

function definition(type: string, config: Record<string, unknown>, extra: Partial<AgentCheckDefinition> = {}): AgentCheckDefinition {
  version++;
  return { id: '0190a000-0000-7000-8000-00000000c0c1', name: 'n', type, intervalSeconds: 60, timeoutSeconds: 5, config, version, ...extra };
}

const network = new NetworkChecks();
const plain = { now: () => NOW, plugins: new PluginAllowList(new Map()) };
const collector = { ...plain, network };

describe('network checks on a collector', () => {
  let server: http.Server;
  let url: string;
  const authorizations: (string | undefined)[] = [];
  let closedPort: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      authorizations.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/health' ? '{"ok":true}' : '{"ok":false}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs an HTTP check with its conditions and secrets, and reports every verdict', async () => {
    const run = await runAgentCheck(
      definition(
        'http',
        { url: `${url}/health`, auth: { type: 'basic', username: 'watcher' } },
        {
          conditions: ['[STATUS] == 200', '[BODY].ok == true'],
          warningConditions: ['[RESPONSE_TIME] < 0'],
          secrets: { password: 's3cret' },
        },
      ),
      collector,
    );
    expect(run.status).toBe('degraded');
    expect(run.conditions?.map((c) => [c.condition, c.passed, c.warning ?? false])).toEqual([
      ['[STATUS] == 200', true, false],
      ['[BODY].ok == true', true, false],
      ['[RESPONSE_TIME] < 0', false, true],
    ]);
    expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from('watcher:s3cret').toString('base64')}`);
    expect(JSON.stringify(run)).not.toContain('s3cret');
  });

  it('is down with the failing condition named when the target answers wrong', async () => {
    const run = await runAgentCheck(definition('http', { url: `${url}/other` }, { conditions: ['[BODY].ok == true'] }), collector);
    expect(run.status).toBe('down');
    expect(run.conditions?.[0]).toMatchObject({ condition: '[BODY].ok == true', passed: false });
    expect(run.message).toContain('[BODY].ok');
  });

  it('is down when a TCP port is closed and up when it listens', async () => {
    const closed = await runAgentCheck(definition('tcp', { host: '127.0.0.1', port: closedPort }), collector);
    expect(closed.status).toBe('down');
    expect(closed.message).toMatch(/refused/i);
    const open = await runAgentCheck(definition('tcp', { host: '127.0.0.1', port: Number(new URL(url).port) }), collector);
    expect(open.status).toBe('up');
  });

  it("refuses what the outbound policy refuses, as on the server, unless this host's configuration lifts it", async () => {
    const run = await runAgentCheck(definition('tcp', { host: '169.254.169.254', port: 80 }), collector);
    expect(run.status).toBe('down');
    expect(run.message).toMatch(/outbound policy refuses 169\.254\.169\.254/);
    // Judged without connecting anywhere: link-local is refused unless this host's agent.json lifts it.
    expect(addressRefusal('169.254.10.1', network.policy)?.class).toBe('linkLocal');
    const lifted = new NetworkChecks(['linkLocal']);
    expect(addressRefusal('169.254.10.1', lifted.policy)).toBeNull();
    expect(addressRefusal('169.254.169.254', lifted.policy)?.class).toBe('cloudMetadata');
  });

  it('answers unknown, naming the field, for settings its type refuses, and for push checks', async () => {
    const bad = await runAgentCheck(definition('tcp', { host: '127.0.0.1', port: 70_000 }), collector);
    expect(bad.status).toBe('unknown');
    expect(bad.message).toMatch(/refuses the check's settings: port/);
    expect(network.runs('push')).toBe(false);
    expect((await runAgentCheck(definition('push', { periodSeconds: 60 }), collector)).message).toMatch(
      /does not know the check type "push"/,
    );
  });

  it('leaves network checks unknown on an agent that is not a collector', async () => {
    const run = await runAgentCheck(definition('tcp', { host: '127.0.0.1', port: closedPort }), plain);
    expect(run).toMatchObject({ status: 'unknown' });
    expect(run.message).toMatch(/--collector/);
  });

  it('validates a definition once and again when it changes', async () => {
    const first = definition('tcp', { host: '127.0.0.1', port: closedPort });
    expect((await network.run(first, AbortSignal.timeout(5_000))).status).toBe('down');
    const changed = { ...first, config: { host: '127.0.0.1', port: Number(new URL(url).port) }, version: first.version + 1 };
    expect((await network.run(changed, AbortSignal.timeout(5_000))).status).toBe('up');
  });
});
