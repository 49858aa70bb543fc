import { createServer } from 'node:net';
import { closedPort, listen, startHttpServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import type { CheckSuggestion } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { JobWorker } from '../../../platform/jobs';

const quiet = { warn: () => undefined, error: () => undefined };
const keysOf = (items: CheckSuggestion[]) => items.map((s) => s.key).sort();

/**
 * Suggestions from real findings: a scan of 127.0.0.1 run by the discovery job with the real engine, against an HTTP
 * server and an SSH greeter on ports of their own (the scan's probes name what they speak), and a CI whose agent
 * reported listening ports.
 */
describe.each(testEngines())('check suggestions API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let web: TestServer;
  let ssh: TestServer;
  let closed: number;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    web = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', server: 'estate-test' }).end('<title>Status</title>');
    });
    ssh = await listen(
      createServer((socket) => {
        // The scan's probes hang up without a word.
        socket.on('error', () => undefined);
        socket.end('SSH-2.0-OpenSSH_9.2p1 EstateTest\r\n');
      }),
    );
    closed = await closedPort();
  });
  afterAll(async () => {
    await web?.close();
    await ssh?.close();
    await t?.close();
  });

  it('suggests HTTP and TCP checks for what a scan found open, and stops suggesting what a check then covers', async () => {
    const worker = new JobWorker(t.database, { logger: quiet, concurrency: 1 });
    t.estate.discovery.jobs?.(worker);
    const scan = await admin.request('POST', '/api/v1/discovery/scans', {
      name: 'Loopback',
      targets: ['127.0.0.1'],
      ports: [web.port, ssh.port, closed],
      options: { reverseDns: false, timeoutMs: 2_000, concurrency: 4, ratePerSecond: 200 },
    });
    expect(scan.statusCode, scan.body).toBe(201);
    const started = await admin.request('POST', `/api/v1/discovery/scans/${scan.json().id}/runs`);
    expect(started.statusCode, started.body).toBe(202);
    expect(await worker.drain()).toBe(1);
    const hosts = (await admin.request('GET', `/api/v1/discovery/runs/${started.json().id}/hosts`)).json().items;
    expect(hosts).toHaveLength(1);
    expect(hosts[0].data.openPorts.sort()).toEqual([web.port, ssh.port].sort());
    const ciId = hosts[0].ci.id as string;

    const res = await admin.request('GET', `/api/v1/cis/${ciId}/check-suggestions`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as CheckSuggestion[];
    // Ping when the scan saw the host answer ICMP (it falls back to TCP where ICMP cannot be sent).
    const ping = hosts[0].data.alive === 'icmp' ? ['icmp'] : [];
    expect(keysOf(items)).toEqual([`http:${web.port}`, `tcp:${ssh.port}`, ...ping].sort());
    const http = items.find((s) => s.key === `http:${web.port}`);
    expect(http?.request).toMatchObject({ type: 'http', config: { url: `http://127.0.0.1:${web.port}/` }, ciIds: [ciId] });
    expect(http?.reason).toBe(`port ${web.port} open at 127.0.0.1 (scan Loopback), speaks HTTP`);
    expect(items.find((s) => s.key === `tcp:${ssh.port}`)?.reason).toContain('greets as SSH');

    const created = await admin.request('POST', '/api/v1/checks', http?.request);
    expect(created.statusCode, created.body).toBe(201);
    const after = (await admin.request('GET', `/api/v1/cis/${ciId}/check-suggestions`)).json().items as CheckSuggestion[];
    expect(keysOf(after)).toEqual([`tcp:${ssh.port}`, ...ping].sort());
  });

  it("suggests from an agent's listening ports, skipping those bound to loopback and UDP ones", async () => {
    const ci = await admin.request('POST', '/api/v1/cis', {
      type: 'physical_server',
      name: 'db-07',
      attributes: {
        hostname: 'db-07.lan',
        listeningPorts: [
          'tcp/5432',
          { port: 'tcp/6379', address: '127.0.0.1' },
          { port: 'udp/53', address: '0.0.0.0' },
          { port: 'tcp/22', address: '10.1.2.3' },
        ],
      },
    });
    expect(ci.statusCode, ci.body).toBe(201);
    const viewer = await t.userWithRole('viewer');
    const items = (await viewer.request('GET', `/api/v1/cis/${ci.json().id}/check-suggestions`)).json().items as CheckSuggestion[];
    expect(items.map((s) => [s.key, s.request.config])).toEqual([
      ['tcp:22', { host: '10.1.2.3', port: 22 }],
      ['postgres:5432', { host: 'db-07.lan', port: 5432, database: 'postgres', user: 'postgres' }],
    ]);
    expect(items[1]?.reason).toBe('port 5432 open at db-07.lan (agent)');
  });

  it('answers 404 for a CI that does not exist', async () => {
    const res = await admin.request('GET', '/api/v1/cis/0190d1c8-0000-7000-8000-000000000000/check-suggestions');
    expect(res.statusCode).toBe(404);
  });
});
