/*
 * Every HTTP channel, end to end: validate settings, render the sample notification, deliver it to a real local
 * server, and compare what arrived (method, path, headers, JSON body) with the channel's golden file, written from
 * the provider's documented request shape. UPDATE_GOLDEN=1 rewrites the files (review the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerWebhookChannel } from './alertmanager-webhook.channel';
import { type AnyChannelType, type SendContext, sendNotification, sendTest } from './channel-type';
import { discordChannel } from './discord.channel';
import { googleChatChannel } from './google-chat.channel';
import { gotifyChannel } from './gotify.channel';
import { type HttpReceiver, LOOPBACK_ALLOWED, type ScriptedAnswer, startReceiver } from './http-receiver.fixtures';
import { matrixChannel } from './matrix.channel';
import { mattermostChannel } from './mattermost.channel';
import type { Notification } from './notification';
import { FIXED_NOW, resolvedNotification, sampleNotification } from './notification.fixtures';
import { ntfyChannel } from './ntfy.channel';
import { opsgenieChannel } from './opsgenie.channel';
import { pagerDutyChannel } from './pagerduty.channel';
import { pushoverChannel } from './pushover.channel';
import { slackChannel } from './slack.channel';
import { teamsChannel } from './teams.channel';
import { telegramChannel } from './telegram.channel';
import { webhookChannel, webhookSignature } from './webhook.channel';

const GOLDEN = join(import.meta.dirname, 'golden');

interface Case {
  name: string;
  channel: AnyChannelType;
  settings(base: string): Record<string, unknown>;
  notification?: Notification;
  answer: ScriptedAnswer;
  providerId?: string;
}

const PUSHOVER_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const PUSHOVER_USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const PD_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

const CASES: Case[] = [
  {
    name: 'webhook',
    channel: webhookChannel,
    settings: (base) => ({
      url: `${base}/hook?key=URL-SECRET`,
      headers: { 'X-Api-Key': 'HEADER-SECRET' },
      signingSecret: 'a-signing-secret-0123',
    }),
    answer: { status: 204 },
  },
  {
    name: 'webhook-template',
    channel: webhookChannel,
    settings: (base) => ({
      url: `${base}/incoming`,
      method: 'PUT',
      body: '{"text": {{ groupName | json }}, "count": {{ firing.size }}, "hosts": [{% for a in firing %}{{ a.labels.instance | json }}{% unless forloop.last %},{% endunless %}{% endfor %}]}',
    }),
    answer: { status: 200 },
  },
  {
    name: 'alertmanager-webhook',
    channel: alertmanagerWebhookChannel,
    settings: (base) => ({ url: `${base}/am`, bearerToken: 'AM-TOKEN' }),
    answer: { status: 200 },
  },
  {
    name: 'slack',
    channel: slackChannel,
    settings: (base) => ({ url: `${base}/services/T000/B000/XXXXSECRET` }),
    answer: { status: 200, body: 'ok' },
  },
  {
    name: 'msteams',
    channel: teamsChannel,
    settings: (base) => ({ url: `${base}/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SIGSECRET` }),
    answer: { status: 202 },
  },
  {
    name: 'discord',
    channel: discordChannel,
    settings: (base) => ({ url: `${base}/api/webhooks/123/TOKENSECRET`, username: 'Estate' }),
    answer: { status: 200, body: JSON.stringify({ id: '1311111111111111111', type: 0 }) },
    providerId: '1311111111111111111',
  },
  {
    name: 'mattermost',
    channel: mattermostChannel,
    settings: (base) => ({ url: `${base}/hooks/abcSECRET`, channel: 'ops' }),
    answer: { status: 200, body: 'ok' },
  },
  {
    name: 'googlechat',
    channel: googleChatChannel,
    settings: (base) => ({ url: `${base}/v1/spaces/AAAA/messages?key=KEYSECRET&token=TOKENSECRET` }),
    answer: { status: 200, body: JSON.stringify({ name: 'spaces/AAAA/messages/BBBB.BBBB' }) },
    providerId: 'spaces/AAAA/messages/BBBB.BBBB',
  },
  {
    name: 'telegram',
    channel: telegramChannel,
    settings: (base) => ({ apiUrl: base, botToken: '123456:ABC-DEF_secret', chatId: '-1001234567890', messageThreadId: 7 }),
    answer: { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 42 } }) },
    providerId: '42',
  },
  {
    name: 'ntfy',
    channel: ntfyChannel,
    settings: (base) => ({ serverUrl: base, topic: 'estate-alerts', accessToken: 'tk_secret' }),
    answer: { status: 200, body: JSON.stringify({ id: 'hwQ2YpKdmg', time: 1, event: 'message', topic: 'estate-alerts' }) },
    providerId: 'hwQ2YpKdmg',
  },
  {
    name: 'pushover',
    channel: pushoverChannel,
    settings: (base) => ({ apiUrl: `${base}/1/messages.json`, apiToken: PUSHOVER_TOKEN, userKey: PUSHOVER_USER }),
    answer: { status: 200, body: JSON.stringify({ status: 1, request: '647d2300-702c-4b38-8b2f-d56326ae460b' }) },
    providerId: '647d2300-702c-4b38-8b2f-d56326ae460b',
  },
  {
    name: 'gotify',
    channel: gotifyChannel,
    settings: (base) => ({ serverUrl: base, appToken: 'AppTokenSECRET' }),
    answer: { status: 200, body: JSON.stringify({ id: 25, appid: 5, message: '…', title: '…', priority: 8 }) },
    providerId: '25',
  },
  {
    name: 'matrix',
    channel: matrixChannel,
    settings: (base) => ({ homeserverUrl: base, roomId: '!ops:example.org', accessToken: 'syt_SECRET' }),
    answer: { status: 200, body: JSON.stringify({ event_id: '$YUwRidLecu:example.org' }) },
    providerId: '$YUwRidLecu:example.org',
  },
  {
    name: 'pagerduty-trigger',
    channel: pagerDutyChannel,
    settings: (base) => ({ apiUrl: `${base}/v2/enqueue`, routingKey: PD_KEY }),
    answer: { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'from-pagerduty' }) },
    providerId: 'from-pagerduty',
  },
  {
    name: 'pagerduty-resolve',
    channel: pagerDutyChannel,
    settings: (base) => ({ apiUrl: `${base}/v2/enqueue`, routingKey: PD_KEY }),
    notification: resolvedNotification(),
    answer: { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'x' }) },
    providerId: 'x',
  },
  {
    name: 'opsgenie-create',
    channel: opsgenieChannel,
    settings: (base) => ({ apiUrl: base, apiKey: 'eb243592-faa2-4ba2-a551q-1afdf565c889', tags: 'estate, prod', teams: ['Ops'] }),
    answer: {
      status: 202,
      body: JSON.stringify({ result: 'Request will be processed', took: 0.302, requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120' }),
    },
    providerId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120',
  },
  {
    name: 'opsgenie-close',
    channel: opsgenieChannel,
    settings: (base) => ({ apiUrl: base, apiKey: 'eb243592-faa2-4ba2-a551q-1afdf565c889' }),
    notification: resolvedNotification(),
    answer: { status: 202, body: JSON.stringify({ result: 'Request will be processed', requestId: 'close-1' }) },
    providerId: 'close-1',
  },
];

let receiver: HttpReceiver;
const context: SendContext = { policy: LOOPBACK_ALLOWED, now: () => FIXED_NOW };

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

function goldenOf(name: string, got: { method: string; path: string; headers: Record<string, string>; body: string }) {
  const file = join(GOLDEN, `${name}.json`);
  const actual = { method: got.method, path: got.path, headers: got.headers, body: JSON.parse(got.body) as unknown };
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  return { actual, expected: JSON.parse(readFileSync(file, 'utf8')) as unknown };
}

describe.each(CASES)('$name', (c) => {
  it('sends the documented request and reads the provider id', async () => {
    receiver.requests.length = 0;
    receiver.answer(c.answer);
    const settings = c.channel.validate(c.settings(receiver.base));
    const verdict = await sendNotification(c.channel, settings, c.notification ?? sampleNotification(), context);
    expect(verdict).toEqual({
      outcome: 'delivered',
      ...(c.providerId ? { providerId: c.providerId } : {}),
      httpStatus: c.answer.status,
    });
    expect(receiver.requests).toHaveLength(1);
    const { actual, expected } = goldenOf(c.name, receiver.requests[0]!);
    expect(actual).toEqual(expected);
  });

  it('sends a test message', async () => {
    receiver.requests.length = 0;
    receiver.answer(c.answer);
    const settings = c.channel.validate(c.settings(receiver.base));
    const verdict = await sendTest(c.channel, settings, { ...context, receiver: 'ops-team', externalUrl: 'https://estate.example.com' });
    expect(verdict.outcome).toBe('delivered');
    expect(receiver.requests[0]!.body).toContain('EstateTestNotification');
  });
});

describe('documented constraints', () => {
  const bodyOf = async (channel: AnyChannelType, settings: Record<string, unknown>, n = sampleNotification()) =>
    JSON.parse((await channel.render(channel.validate(settings), n, FIXED_NOW)).body);

  it('the generic webhook signs timestamp.body with HMAC-SHA256', async () => {
    const settings = webhookChannel.validate({ url: 'https://hooks.example.com/x', signingSecret: 'a-signing-secret-0123' });
    const request = await webhookChannel.render(settings, sampleNotification(), FIXED_NOW);
    const t = Math.floor(FIXED_NOW / 1000);
    expect(request.headers['x-estate-timestamp']).toBe(String(t));
    expect(request.headers['x-estate-signature']).toBe(webhookSignature('a-signing-secret-0123', t, request.body!));
    expect(request.headers['x-estate-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('Alertmanager v4: firing alerts end at Go’s zero time, resolved ones at their end; maxAlerts truncates', async () => {
    const body = await bodyOf(alertmanagerWebhookChannel, { url: 'https://am.example.com/', maxAlerts: 2 });
    expect(Object.keys(body).sort()).toEqual(
      [
        'alerts',
        'commonAnnotations',
        'commonLabels',
        'externalURL',
        'groupKey',
        'groupLabels',
        'receiver',
        'status',
        'truncatedAlerts',
        'version',
      ].sort(),
    );
    expect(body.version).toBe('4');
    expect(body.truncatedAlerts).toBe(1);
    expect(body.alerts).toHaveLength(2);
    expect(body.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');
    expect(Object.keys(body.alerts[0]).sort()).toEqual([
      'annotations',
      'endsAt',
      'fingerprint',
      'generatorURL',
      'labels',
      'startsAt',
      'status',
    ]);
    expect(body.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('PagerDuty: trigger and resolve share the dedup key; severity is one of the four', async () => {
    const settings = { routingKey: PD_KEY };
    const trigger = await bodyOf(pagerDutyChannel, settings);
    const resolve = await bodyOf(pagerDutyChannel, settings, resolvedNotification());
    expect(trigger.event_action).toBe('trigger');
    expect(resolve).toEqual({ routing_key: PD_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
    expect(['critical', 'error', 'warning', 'info']).toContain(trigger.payload.severity);
    expect(trigger.payload.summary.length).toBeLessThanOrEqual(1024);
  });

  it('Opsgenie: the close targets the create’s alias; the message stays within 130 characters', async () => {
    const settings = { apiKey: 'k' };
    const create = await opsgenieChannel.render(opsgenieChannel.validate(settings), sampleNotification(), FIXED_NOW);
    const close = await opsgenieChannel.render(opsgenieChannel.validate(settings), resolvedNotification(), FIXED_NOW);
    const alias = JSON.parse(create.body!).alias as string;
    expect(close.url).toBe(`https://api.opsgenie.com/v2/alerts/${alias}/close?identifierType=alias`);
    const long = sampleNotification({ groupLabels: { alertname: 'X'.repeat(300) } });
    expect(JSON.parse((await opsgenieChannel.render(opsgenieChannel.validate(settings), long, FIXED_NOW)).body!).message).toHaveLength(130);
  });

  it('Telegram escapes HTML in values and keeps within 4,096 characters', async () => {
    const body = await bodyOf(telegramChannel, { botToken: '1:a', chatId: '@estate_ops' });
    expect(body.parse_mode).toBe('HTML');
    expect(body.text).toContain('&lt;check cabling &amp; power&gt;');
    expect(body.text).not.toContain('<check');
    const many = sampleNotification({ firing: Array.from({ length: 40 }, () => sampleNotification().firing[0]!) });
    const cut = (await bodyOf(telegramChannel, { botToken: '1:a', chatId: '1' }, many)).text as string;
    expect(Array.from(cut).length).toBeLessThanOrEqual(4096);
    expect(cut.endsWith('\n…')).toBe(true);
    expect(cut.match(/<a /g)?.length).toBe(cut.match(/<\/a>/g)?.length);
  });

  it('Matrix: a retry of the same notification is the same transaction', async () => {
    const settings = matrixChannel.validate({ homeserverUrl: 'https://m.example.org', roomId: '!r:example.org', accessToken: 't' });
    const first = await matrixChannel.render(settings, sampleNotification(), FIXED_NOW);
    const again = await matrixChannel.render(settings, sampleNotification(), FIXED_NOW + 60_000);
    expect(first.url).toBe(again.url);
    expect(first.url).toMatch(/\/send\/m\.room\.message\/estate-01JEXAMPLENOTIFICATION0001$/);
  });

  it('Teams sends an Adaptive Card attachment, not a MessageCard', async () => {
    const body = await bodyOf(teamsChannel, { url: 'https://prod.westeurope.logic.azure.com/workflows/x' });
    expect(body.type).toBe('message');
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.type).toBe('AdaptiveCard');
    expect(JSON.stringify(body)).not.toContain('MessageCard');
  });

  it('Slack blocks stay within Block Kit limits', async () => {
    const long = sampleNotification({ groupLabels: { alertname: 'Y'.repeat(400) } });
    const body = await bodyOf(slackChannel, { url: 'https://hooks.slack.com/services/a' }, long);
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150);
  });
});
