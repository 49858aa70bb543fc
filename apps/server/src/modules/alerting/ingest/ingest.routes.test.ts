import type { AlertEpisode } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const ALERTS = '/api/v1/alerting/alerts';
const V2 = '/api/v2/alerts';
const WEBHOOK = '/api/v1/alerting/alertmanager-webhook';
const EVENTS = '/api/v1/alerting/events';

describe.each(testEngines())('alerts in (Alertmanager API, webhook, events) on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let sender: Record<string, string>;
  let readOnly: Record<string, string>;

  const post = (path: string, body: unknown, headers = sender) => t.anonymous().request('POST', path, body, headers);
  const alerts = async (q = ''): Promise<AlertEpisode[]> => {
    const res = await admin.request('GET', `${ALERTS}?limit=500${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const named = async (name: string, state = 'active') => (await alerts(`&state=${state}`)).filter((a) => a.name === name);

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    const token = async (scopes: string[]) =>
      (await admin.request('POST', '/api/v1/tokens', { name: scopes.join(' '), scopes })).json().token as string;
    sender = { authorization: `Bearer ${await token(['alerting:ingest'])}` };
    readOnly = { authorization: `Bearer ${await token(['alerting:read', 'alerting:write'])}` };
  });
  afterAll(() => t?.close());

  it("takes Prometheus' alerts on Alertmanager's API v2: 200 with an empty body, then listed as firing", async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const endsAt = new Date(Date.now() + 4 * 60_000).toISOString().replace('Z', '000000Z');
    const res = await post(V2, [
      {
        labels: { alertname: 'DiskFull', instance: 'db1:9100', severity: 'critical' },
        annotations: { summary: 'disk full on db1' },
        startsAt,
        endsAt,
        generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
      },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toBe('');
    const [alert] = await named('DiskFull');
    expect(alert).toMatchObject({
      source: 'prometheus',
      state: 'firing',
      severity: 'critical',
      labels: { alertname: 'DiskFull', instance: 'db1:9100', severity: 'critical' },
      annotations: { summary: 'disk full on db1', generator_url: 'http://prometheus:9090/graph?g0.expr=x' },
      activeAt: Date.parse(startsAt),
    });

    // Sent again with an end that has passed (Prometheus' resolution): resolved, the same episode.
    const again = await post(V2, [
      {
        labels: { alertname: 'DiskFull', instance: 'db1:9100', severity: 'critical' },
        startsAt,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    expect(again.statusCode, again.body).toBe(200);
    expect(await named('DiskFull')).toEqual([]);
    expect((await named('DiskFull', 'resolved')).map((a) => a.id)).toEqual([alert?.id]);
  });

  it('refuses invalid alerts with a problem naming the label, and takes none of the batch', async () => {
    const res = await post(V2, [{ labels: { alertname: 'FineOne' } }, { labels: { alertname: 'Bad', 'bad-name': 'x' } }]);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([expect.objectContaining({ path: '[1].labels.bad-name' })]);
    expect(await named('FineOne')).toEqual([]);

    const badTime = await post(V2, [{ labels: { alertname: 'X' }, startsAt: 'yesterday' }]);
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().errors).toEqual([expect.objectContaining({ path: '[0].startsAt' })]);
    const notString = await post(V2, [{ labels: { alertname: 'X', n: 3 } }]);
    expect(notString.statusCode).toBe(400);
    expect(JSON.stringify(notString.json().errors)).toContain('labels/n');
  });

  it('needs the alerting:ingest scope (403 without it, 401 without a token)', async () => {
    const body = [{ labels: { alertname: 'NoScope' } }];
    expect((await post(V2, body, readOnly)).statusCode).toBe(403);
    expect((await post(WEBHOOK, { version: '4', alerts: [] }, readOnly)).statusCode).toBe(403);
    expect((await post(EVENTS, { event_action: 'resolve', dedup_key: 'x' }, readOnly)).statusCode).toBe(403);
    expect((await post(V2, body, {})).statusCode).toBe(401);
    expect(await named('NoScope')).toEqual([]);
  });

  it("takes an Alertmanager webhook: firing stays firing past resolve_timeout's reach, resolved resolves", async () => {
    const alert = {
      status: 'firing',
      labels: { alertname: 'QueueStuck', queue: 'mail', severity: 'warning' },
      annotations: { summary: 'mail queue stuck' },
      startsAt: new Date(Date.now() - 30_000).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: 'c0ffee',
    };
    const payload = (status: string, a: object) => ({
      version: '4',
      groupKey: '{}:{alertname="QueueStuck"}',
      truncatedAlerts: 0,
      receiver: 'estate',
      status,
      alerts: [a],
      groupLabels: { alertname: 'QueueStuck' },
      commonLabels: alert.labels,
      commonAnnotations: alert.annotations,
      externalURL: 'http://alertmanager:9093',
    });
    const res = await post(WEBHOOK, payload('firing', alert));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: 1 });
    const [firing] = await named('QueueStuck');
    expect(firing).toMatchObject({ source: 'alertmanager', state: 'firing', severity: 'warning' });
    // No end: it does not expire on its own, as Alertmanager will send the resolution.
    const stored = await t.estate.database.db
      .selectFrom('alerts')
      .select('ends_at')
      .where('id', '=', firing?.id as string)
      .executeTakeFirstOrThrow();
    expect(stored.ends_at).toBeNull();

    const resolved = await post(WEBHOOK, payload('resolved', { ...alert, status: 'resolved', endsAt: new Date().toISOString() }));
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(await named('QueueStuck')).toEqual([]);
    expect((await named('QueueStuck', 'resolved')).map((a) => a.id)).toEqual([firing?.id]);

    const bad = await post(WEBHOOK, payload('firing', { ...alert, labels: { '0x': 'y' } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'alerts[0].labels.0x' })]);
    expect((await post(WEBHOOK, { ...payload('firing', alert), version: '3' })).statusCode).toBe(400);
  });

  it('takes PagerDuty-style events: trigger, acknowledge, resolve by dedup key, answered as PagerDuty does', async () => {
    const trigger = await post(EVENTS, {
      routing_key: 'ignored',
      event_action: 'trigger',
      dedup_key: 'backup-db1',
      payload: {
        summary: 'backup of db1 failed',
        source: 'db1',
        severity: 'error',
        component: 'postgres',
        class: 'BackupFailed',
        custom_details: { exit: 2 },
      },
    });
    expect(trigger.statusCode, trigger.body).toBe(202);
    expect(trigger.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'backup-db1' });
    const [alert] = await named('BackupFailed');
    expect(alert).toMatchObject({
      source: 'events',
      state: 'firing',
      labels: { alertname: 'BackupFailed', dedup_key: 'backup-db1', source: 'db1', severity: 'error', component: 'postgres' },
      annotations: { summary: 'backup of db1 failed', details: '{"exit":2}' },
    });

    const ack = await post(EVENTS, { event_action: 'acknowledge', dedup_key: 'backup-db1' });
    expect(ack.statusCode, ack.body).toBe(202);
    expect((await named('BackupFailed'))[0]?.acknowledgedAt).not.toBeNull();
    // Acknowledged as a person would: audited, under the token's owner.
    const audit = (await admin.request('GET', '/api/v1/audit-events?action=alert.acknowledge')).json().items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'alert.acknowledge', targetId: alert?.id })]));
    expect((await post(EVENTS, { event_action: 'resolve', dedup_key: 'backup-db1' })).statusCode).toBe(202);
    expect(await named('BackupFailed')).toEqual([]);

    // A trigger without a dedup key gets one made up, which resolves it.
    const made = await post(EVENTS, { event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'info' } });
    expect(made.statusCode, made.body).toBe(202);
    const key = made.json().dedup_key as string;
    expect(key).toMatch(/\S/);
    expect((await alerts()).some((a) => a.labels.dedup_key === key)).toBe(true);
    expect((await post(EVENTS, { event_action: 'resolve', dedup_key: key })).statusCode).toBe(202);
    expect((await alerts()).some((a) => a.labels.dedup_key === key)).toBe(false);
  });

  it('refuses malformed events with errors naming the field', async () => {
    const fields = async (body: unknown) => {
      const res = await post(EVENTS, body);
      expect(res.statusCode, res.body).toBe(400);
      return (res.json().errors as Array<{ path: string }>).map((e) => e.path).join(' ');
    };
    expect(await fields({ event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'fatal' } })).toContain(
      'payload/severity',
    );
    expect(await fields({ event_action: 'trigger', payload: { source: 'h', severity: 'info' } })).toContain('payload/summary');
    expect(await fields({ event_action: 'trigger' })).toContain('payload');
    expect(await fields({ event_action: 'resolve' })).toContain('dedup_key');
    expect(await fields({ event_action: 'explode', dedup_key: 'x' })).toContain('event_action');
    expect(
      await fields({ event_action: 'trigger', payload: { summary: 's', source: 'h', severity: 'info', timestamp: 'noon' } }),
    ).toContain('payload.timestamp');
  });
});
