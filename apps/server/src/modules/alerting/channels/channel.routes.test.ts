/*
 * The notification channels API through the real HTTP stack on both engines: the types with their fields, CRUD with
 * ETag/If-Match, settings refused by the type as 400s naming the field, secrets write-only (named, never shown or
 * audited, kept when a change leaves them out), send test (saved and unsaved) against a real loopback receiver,
 * the delivery log with its filters and attempts, and who may do what.
 */
import type { NotificationChannel } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { JobWorker } from '../../../platform/jobs';
import { type HttpReceiver, startReceiver } from './http-receiver.fixtures';
import { sampleNotification } from './notification.fixtures';

const CHANNELS = '/api/v1/notification-channels';
const SECRET_PATH = 'T000/B000/SECRETPATHKEY';

describe.each(testEngines())('notification channels API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    t = await createTestEstate(engine, { channelsAllow: 'loopback' });
    admin = await t.setupAdmin();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const hookUrl = () => `${receiver.base}/hook/${SECRET_PATH}`;
  const create = (body: Record<string, unknown>) => admin.request('POST', CHANNELS, body);

  it('lists every channel type with its fields, marking secrets and defaults', async () => {
    const res = await admin.request('GET', '/api/v1/notification-channel-types');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { type: string; fields: { name: string; secret: boolean; default?: unknown }[] }[];
    expect(items).toHaveLength(15);
    const webhook = items.find((i) => i.type === 'webhook')!;
    expect(webhook.fields.find((f) => f.name === 'url')).toMatchObject({ secret: true, required: true, kind: 'url' });
    expect(webhook.fields.find((f) => f.name === 'method')).toMatchObject({
      secret: false,
      default: 'POST',
      options: ['POST', 'PUT', 'PATCH'],
    });
  });

  it('creates, reads, changes and deletes a channel with ETag/If-Match; secrets are named, never shown, and kept', async () => {
    const created = await create({ name: 'Ops hook', type: 'webhook', settings: { method: 'PUT' }, secrets: { url: hookUrl() } });
    expect(created.statusCode, created.body).toBe(201);
    const channel = created.json() as NotificationChannel;
    expect(channel).toMatchObject({
      name: 'Ops hook',
      type: 'webhook',
      enabled: true,
      sendResolved: true,
      secretNames: ['url'],
      settings: { method: 'PUT', contentType: 'application/json', signatureHeader: 'X-Estate-Signature' },
      lastDelivery: null,
      version: 1,
    });
    expect(created.body).not.toContain(SECRET_PATH);
    const etag = created.headers.etag as string;

    expect((await admin.request('PATCH', `${CHANNELS}/${channel.id}`, { enabled: false })).statusCode).toBe(428);
    const changed = await admin.request(
      'PATCH',
      `${CHANNELS}/${channel.id}`,
      { name: 'Ops hook 2', settings: { method: 'POST' } },
      { 'if-match': etag },
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Ops hook 2', secretNames: ['url'], settings: { method: 'POST' }, version: 2 });
    expect((await admin.request('PATCH', `${CHANNELS}/${channel.id}`, { enabled: false }, { 'if-match': etag })).statusCode).toBe(412);

    // The stored URL was kept: a test through the saved channel reaches it.
    receiver.requests.length = 0;
    const tested = await admin.request('POST', `${CHANNELS}/${channel.id}/test`);
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json()).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: `/hook/${SECRET_PATH}` });
    expect(JSON.parse(receiver.requests[0]!.body).alerts[0].labels.alertname).toBe('EstateTestNotification');

    const read = await admin.request('GET', `${CHANNELS}/${channel.id}`);
    expect(read.json().name).toBe('Ops hook 2');
    const list = await admin.request('GET', `${CHANNELS}?type=webhook`);
    expect(list.json().items.map((c: NotificationChannel) => c.id)).toContain(channel.id);

    const audit = await admin.request('GET', `/api/v1/audit-events?targetId=${channel.id}`);
    const actions = audit.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['notification_channel.create', 'notification_channel.update', 'notification_channel.test']),
    );
    expect(audit.body).not.toContain(SECRET_PATH);

    // At rest the secrets are sealed: the row holds neither the URL nor its key.
    const stored = await t.database.db
      .selectFrom('notification_channels')
      .select(['secret', 'settings'])
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(SECRET_PATH);
    expect(stored.secret).toMatch(/^v1\./);

    // A secret set to "" is removed; one left out stays.
    const signed = await admin.request(
      'PATCH',
      `${CHANNELS}/${channel.id}`,
      { secrets: { signingSecret: 'a signing secret of some length' } },
      { 'if-match': read.headers.etag as string },
    );
    expect(signed.json().secretNames).toEqual(['signingSecret', 'url']);
    const unsigned = await admin.request(
      'PATCH',
      `${CHANNELS}/${channel.id}`,
      { secrets: { signingSecret: '' } },
      { 'if-match': signed.headers.etag as string },
    );
    expect(unsigned.json().secretNames).toEqual(['url']);
    expect((await admin.request('GET', `/api/v1/audit-events?targetId=${channel.id}`)).body).not.toContain(
      'a signing secret of some length',
    );

    const gone = await admin.request('DELETE', `${CHANNELS}/${channel.id}`, undefined, { 'if-match': unsigned.headers.etag as string });
    expect(gone.statusCode).toBe(204);
    expect((await admin.request('GET', `${CHANNELS}/${channel.id}`)).statusCode).toBe(404);
  });

  it('refuses settings the type refuses, naming the field as the request spells it', async () => {
    const missing = await create({ name: 'Bad', type: 'webhook', settings: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().errors).toEqual([{ path: 'secrets.url', message: 'is required' }]);
    const inSettings = await create({ name: 'Bad', type: 'webhook', settings: { url: hookUrl() } });
    expect(inSettings.json().errors[0]).toMatchObject({ path: 'settings.url' });
    expect(inSettings.body).not.toContain(SECRET_PATH);
    const badEnum = await create({ name: 'Bad', type: 'webhook', settings: { method: 'GET' }, secrets: { url: hookUrl() } });
    expect(badEnum.json().errors[0]).toMatchObject({ path: 'settings.method' });
    const template = await create({ name: 'Bad', type: 'webhook', settings: { body: '{{ unclosed' }, secrets: { url: hookUrl() } });
    expect(template.json().errors[0]).toMatchObject({ path: 'settings.body' });
    expect((await create({ name: 'Bad', type: 'gopher' })).json().errors[0]).toMatchObject({ path: 'type' });
    await create({ name: 'Taken', type: 'webhook', secrets: { url: hookUrl() } });
    expect((await create({ name: 'Taken', type: 'webhook', secrets: { url: hookUrl() } })).statusCode).toBe(409);
  });

  it('tests unsaved settings, and the outbound policy refuses what is not allowed', async () => {
    receiver.answer({ status: 503, body: 'down for maintenance' });
    const retry = await admin.request('POST', `${CHANNELS}/test`, { type: 'webhook', secrets: { url: hookUrl() } });
    expect(retry.json()).toMatchObject({ outcome: 'retry', httpStatus: 503, reason: expect.stringContaining('down for maintenance') });
    receiver.answer({ status: 200 });
    const refused = await admin.request('POST', `${CHANNELS}/test`, { type: 'webhook', secrets: { url: 'http://10.1.2.3/hook' } });
    expect(refused.json()).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('private') });
  });

  it('lists the delivery log with filters, and one delivery with its attempts', async () => {
    const a = (await create({ name: 'Log A', type: 'webhook', secrets: { url: hookUrl() } })).json() as NotificationChannel;
    const b = (await create({ name: 'Log B', type: 'webhook', secrets: { url: hookUrl() } })).json() as NotificationChannel;
    await t.database.db
      .transaction()
      .execute((trx) => t.estate.alerting.channels.enqueueWithin(trx, [a.id, b.id], sampleNotification({ id: 'log-1' })));
    const worker = new JobWorker(t.database, { logger: { warn: () => {}, error: () => {} } });
    t.estate.alerting.jobs?.(worker);
    await worker.drain();

    const all = await admin.request('GET', '/api/v1/notifications?limit=1');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().items).toHaveLength(1);
    expect(all.json().nextCursor).not.toBeNull();
    const next = await admin.request('GET', `/api/v1/notifications?limit=1&cursor=${all.json().nextCursor}`);
    expect(next.json().items[0].id).not.toBe(all.json().items[0].id);

    const ofA = (await admin.request('GET', `/api/v1/notifications?channelId=${a.id}`)).json().items;
    expect(ofA).toHaveLength(1);
    expect(ofA[0]).toMatchObject({
      channelName: 'Log A',
      status: 'delivered',
      attempts: 1,
      notificationId: 'log-1',
      groupStatus: 'firing',
    });
    const byGroup = await admin.request(
      'GET',
      `/api/v1/notifications?groupKey=${encodeURIComponent(sampleNotification().groupKey)}&status=delivered`,
    );
    expect(byGroup.json().items.length).toBeGreaterThanOrEqual(2);
    expect((await admin.request('GET', '/api/v1/notifications?status=failed')).json().items).toEqual([]);

    const detail = await admin.request('GET', `/api/v1/notifications/${ofA[0].id}`);
    expect(detail.json().attemptLog).toEqual([expect.objectContaining({ number: 1, outcome: 'delivered', httpStatus: 200 })]);
    expect(detail.json().notification.id).toBe('log-1');
    const listed = (await admin.request('GET', `${CHANNELS}/${a.id}`)).json();
    expect(listed.lastDelivery).toMatchObject({ id: ofA[0].id, status: 'delivered' });
  });

  it('lets a viewer read but not change or test channels; anonymous gets 401', async () => {
    const viewer = await t.userWithRole('viewer');
    expect((await viewer.request('GET', CHANNELS)).statusCode).toBe(200);
    expect((await viewer.request('GET', '/api/v1/notifications')).statusCode).toBe(200);
    expect((await viewer.request('POST', CHANNELS, { name: 'x', type: 'webhook', secrets: { url: hookUrl() } })).statusCode).toBe(403);
    expect((await viewer.request('POST', `${CHANNELS}/test`, { type: 'webhook', secrets: { url: hookUrl() } })).statusCode).toBe(403);
    expect((await t.anonymous().request('GET', CHANNELS)).statusCode).toBe(401);
  });
});
