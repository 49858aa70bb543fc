import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpReceiver, startReceiver } from '../apps/server/src/modules/alerting/channels/http-receiver.fixtures';
import { type AdminApi, setUpAdmin } from './admin-api';
import { type ServerProcess, startServer } from './server-process';

/*
 * A pasted Alertmanager configuration whose receiver carries an inline `webhook_configs` entry (credentials in its
 * URL), saved through the API of a real `estate serve`: the save turns it into a stored channel, and an alert sent
 * in through Alertmanager's API v2 reaches the real receiver on loopback through the dispatcher and the delivery
 * jobs, in Alertmanager's webhook shape with the credentials as basic auth. Nothing in between is called directly.
 */

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('alerting end to end: an inline webhook_configs entry delivers after the paste', () => {
  let server: ServerProcess;
  let api: AdminApi;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startServer({ ESTATE_CHANNELS_ALLOW: 'loopback' });
    api = await setUpAdmin(server);
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('stores the integration as a channel, keeps no secret in the configuration, and delivers to it', { timeout: 120_000 }, async () => {
    const routing = await api('GET', '/alert-routing');
    const yaml = `route:
  receiver: team-a
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5s
receivers:
  - name: team-a
    webhook_configs:
      - url: http://hook-user:InlineSecret42@127.0.0.1:${receiver.port}/am-hook
        send_resolved: true
`;
    const saved = await api('PUT', '/alert-routing', { yaml }, { 'if-match': routing.etag as string });
    const channels = (saved.body.channelImport as { channels: { name: string; id: string; type: string }[] }).channels;
    expect(channels.map((c) => [c.name, c.type])).toEqual([['team-a/webhook/0', 'alertmanager-webhook']]);
    expect(saved.body.yaml).not.toContain('InlineSecret42');
    expect(saved.body.yaml).toContain('estate_channels: [ team-a/webhook/0 ]');
    const versions = await api('GET', '/alert-routing/versions');
    expect(JSON.stringify(versions.body)).not.toContain('InlineSecret42');

    const token = await api('POST', '/tokens', { name: 'prometheus', scopes: ['alerting:ingest'] });
    const sent = await fetch(`${server.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.body.token as string}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'InlinePasted', severity: 'critical', instance: 'db-1' } }]),
    });
    expect(sent.status).toBe(200);

    const request = await until('the webhook delivery', () => receiver.requests.find((r) => r.body.includes('InlinePasted')));
    expect(request.path).toBe('/am-hook');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('hook-user:InlineSecret42').toString('base64')}`);
    const body = JSON.parse(request.body) as {
      version: string;
      receiver: string;
      status: string;
      alerts: { labels: Record<string, string> }[];
    };
    expect(body).toMatchObject({ version: '4', receiver: 'team-a', status: 'firing' });
    expect(body.alerts[0]?.labels).toMatchObject({ alertname: 'InlinePasted', instance: 'db-1' });

    const log = await until('the delivered log entry', async () => {
      const page = await api('GET', '/notifications');
      return (page.body.items as { status: string; channelId: string }[]).find((d) => d.status === 'delivered');
    });
    expect(log.channelId).toBe(channels[0]?.id);
  });
});
