import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin } from './admin-api';
import { type ServerProcess, startServer } from './server-process';

/*
 * The whole path a user combines, through a real `estate serve`: a check of a real HTTP target, the starter rule
 * CheckDown, the routing configuration pasted as YAML, a webhook channel to a real receiver on loopback, the
 * delivery jobs and their log. The target fails: one notification arrives naming the check; it recovers: the
 * recovery arrives. Nothing in between is called directly.
 */

interface Received {
  at: number;
  body: { status?: string; alerts?: Array<{ status: string; labels: Record<string, string> }> };
}

const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const portOf = (server: Server) => (server.address() as AddressInfo).port;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('alerting end to end: a check fails, the on-call webhook hears it once, then the recovery', () => {
  let server: ServerProcess;
  let api: AdminApi;
  let target: Server;
  let receiver: Server;
  let healthy = false;
  const received: Received[] = [];

  beforeAll(async () => {
    target = createServer((_req, res) => (healthy ? res.writeHead(200).end('ok') : res.writeHead(503).end('down')));
    receiver = createServer(async (req, res) => {
      const text = await readBody(req);
      received.push({ at: Date.now(), body: JSON.parse(text) });
      res.writeHead(200).end();
    });
    await listen(target);
    await listen(receiver);
    server = await startServer({ ESTATE_CHANNELS_ALLOW: 'loopback' });
    api = await setUpAdmin(server);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await new Promise((r) => target?.close(r));
    await new Promise((r) => receiver?.close(r));
  });

  it('notifies a webhook when a check goes down and again when it recovers, with the delivery log to show', {
    timeout: 150_000,
  }, async () => {
    const routing = await api('GET', '/alert-routing');
    const yaml = `route:
  receiver: on-call
  group_by: [alertname, check_name]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 4h
receivers:
  - name: on-call
    estate_channels: [ops webhook]
`;
    await api('PUT', '/alert-routing', { yaml }, { 'if-match': routing.etag as string });
    const channel = await api('POST', '/notification-channels', {
      name: 'ops webhook',
      type: 'webhook',
      secrets: { url: `http://127.0.0.1:${portOf(receiver)}/hook` },
    });
    expect(channel.status).toBe(201);
    await api('POST', '/checks', {
      name: 'Payments',
      type: 'http',
      config: { url: `http://127.0.0.1:${portOf(target)}/` },
      intervalSeconds: 10,
      timeoutSeconds: 5,
      retries: 0,
    });

    const firing = await until('the firing notification', () =>
      received.find((r) => r.body.alerts?.some((a) => a.status === 'firing' && a.labels.check_name === 'Payments')),
    );
    expect(firing.body.alerts?.find((a) => a.labels.check_name === 'Payments')?.labels).toMatchObject({
      alertname: 'CheckDown',
      severity: 'critical',
    });

    // The alert shows as notified, with the delivery in the log.
    const alerts = await api('GET', '/alerting/alerts');
    const alert = (alerts.body.items as Array<{ id: string; name: string; notified: boolean; labels: Record<string, string> }>).find(
      (a) => a.labels.check_name === 'Payments',
    );
    expect(alert).toMatchObject({ name: 'CheckDown', notified: true });
    const log = await until('the delivered log entry', async () => {
      const page = await api('GET', '/notifications');
      return (page.body.items as Array<{ status: string }>).find((d) => d.status === 'delivered');
    });
    expect(log).toBeDefined();

    // The rule's ALERTS series is in the metric store, as Prometheus writes it.
    const series = await api('GET', `/query?query=${encodeURIComponent('ALERTS{alertname="CheckDown",check_name="Payments"}')}`);
    const result = (series.body.data as { result: Array<{ metric: Record<string, string>; value: [number, string] }> }).result;
    expect(result.map((r) => [r.metric.alertstate, r.value[1]])).toEqual([['firing', '1']]);

    healthy = true;
    await until('the recovery', () =>
      received.find((r) => r.body.alerts?.some((a) => a.status === 'resolved' && a.labels.check_name === 'Payments')),
    );
    const firings = received.filter((r) => r.body.alerts?.some((a) => a.status === 'firing' && a.labels.check_name === 'Payments'));
    expect(firings).toHaveLength(1);
    const detail = await api('GET', `/alerting/alerts/${alert?.id}`);
    const kinds = (detail.body.timeline as Array<{ kind: string }>).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['firing', 'notified', 'resolved', 'recovery-notified']));
  });
});
