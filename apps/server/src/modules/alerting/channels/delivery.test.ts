/*
 * One delivery attempt's verdicts against a real local server (status codes, Retry-After, provider hints, network
 * failures) and the outbound policy (loopback, private, metadata refused unless allowed), with no secret in a reason.
 */

import type { AddressResolver } from '@estate/checks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SendContext, sendNotification } from './channel-type';
import { retryAfter, verdictOfResponse } from './delivery-verdict';
import { type HttpReceiver, LOOPBACK_ALLOWED, startReceiver } from './http-receiver.fixtures';
import { matrixChannel } from './matrix.channel';
import { FIXED_NOW, sampleNotification } from './notification.fixtures';
import { channelNetworkPolicy } from './outbound-http';
import { slackChannel } from './slack.channel';
import { telegramChannel } from './telegram.channel';
import { webhookChannel } from './webhook.channel';

let receiver: HttpReceiver;
const context: SendContext = { policy: LOOPBACK_ALLOWED, now: () => FIXED_NOW };
const SECRET = 'TOPSECRETKEY';

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

const webhook = () =>
  webhookChannel.validate({ url: `${receiver.base}/hook/${SECRET}?token=${SECRET}`, headers: { Authorization: `Bearer ${SECRET}` } });
const send = (ctx: SendContext = context, settings = webhook()) => sendNotification(webhookChannel, settings, sampleNotification(), ctx);

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates against the injected clock', () => {
    expect(retryAfter('120', FIXED_NOW)).toBe(FIXED_NOW + 120_000);
    expect(retryAfter('1.5', FIXED_NOW)).toBe(FIXED_NOW + 1_500);
    expect(retryAfter('Fri, 04 Dec 2026 21:35:00 GMT', FIXED_NOW)).toBe(Date.UTC(2026, 11, 4, 21, 35));
    expect(retryAfter('Fri, 04 Dec 2026 21:00:00 GMT', FIXED_NOW)).toBe(FIXED_NOW);
    expect(retryAfter('soon', FIXED_NOW)).toBeUndefined();
    expect(retryAfter(undefined, FIXED_NOW)).toBeUndefined();
  });
});

describe('verdicts from real answers', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [400, 'failed'],
    [401, 'failed'],
    [403, 'failed'],
    [404, 'failed'],
    [410, 'failed'],
  ])('%i → %s', async (status, outcome) => {
    receiver.answer({ status, body: status >= 400 ? 'provider says no' : '' });
    const verdict = await send();
    expect(verdict.outcome).toBe(outcome);
    if (verdict.outcome !== 'delivered') expect(verdict.reason).toContain(`answered ${status}: provider says no`);
  });

  it('429 with Retry-After seconds and 503 with an HTTP date set notBefore', async () => {
    receiver.answer({ status: 429, headers: { 'retry-after': '30' } });
    expect(await send()).toMatchObject({ outcome: 'retry', notBefore: FIXED_NOW + 30_000 });
    receiver.answer({ status: 503, headers: { 'retry-after': 'Fri, 04 Dec 2026 22:00:00 GMT' } });
    expect(await send()).toMatchObject({ outcome: 'retry', notBefore: Date.UTC(2026, 11, 4, 22) });
  });

  it('a redirect is not followed', async () => {
    receiver.requests.length = 0;
    receiver.answer({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    const verdict = await send();
    expect(verdict).toMatchObject({ outcome: 'failed' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('provider retry hints in the body count when there is no header (Telegram, Matrix)', async () => {
    receiver.answer({
      status: 429,
      body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }),
    });
    const telegram = telegramChannel.validate({ apiUrl: receiver.base, botToken: '1:abc', chatId: '12' });
    expect(await sendNotification(telegramChannel, telegram, sampleNotification(), context)).toMatchObject({
      outcome: 'retry',
      notBefore: FIXED_NOW + 7_000,
    });
    receiver.answer({ status: 429, body: JSON.stringify({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 2_500 }) });
    const matrix = matrixChannel.validate({ homeserverUrl: receiver.base, roomId: '!r:x.org', accessToken: 't' });
    expect(await sendNotification(matrixChannel, matrix, sampleNotification(), context)).toMatchObject({
      outcome: 'retry',
      notBefore: FIXED_NOW + 2_500,
    });
  });

  it('a 200 that says no is a failure (Slack, Telegram)', async () => {
    receiver.answer({ status: 200, body: 'invalid_blocks' });
    const slack = slackChannel.validate({ url: `${receiver.base}/services/x` });
    expect(await sendNotification(slackChannel, slack, sampleNotification(), context)).toMatchObject({ outcome: 'failed' });
    receiver.answer({ status: 200, body: JSON.stringify({ ok: false, description: 'Bad Request: chat not found' }) });
    const telegram = telegramChannel.validate({ apiUrl: receiver.base, botToken: '1:abc', chatId: '12' });
    const verdict = await sendNotification(telegramChannel, telegram, sampleNotification(), context);
    expect(verdict).toMatchObject({ outcome: 'failed' });
    expect(verdict.outcome === 'failed' && verdict.reason).toContain('chat not found');
  });

  it('a template that fails is failed, naming the template and line', async () => {
    const settings = webhookChannel.validate({ url: `${receiver.base}/x`, body: 'ok' });
    const verdict = await sendNotification(
      webhookChannel,
      { ...settings, body: 'x\n{% for i in (1..100000000) %}{% endfor %}' },
      sampleNotification(),
      context,
    );
    expect(verdict).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^Template "body" line 2/) });
  });

  it('no answer in time is retried', async () => {
    receiver.answer({ status: 200, hang: true });
    const verdict = await send({ ...context, timeoutMs: 200 });
    expect(verdict).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('did not answer in time') });
    receiver.answer({ status: 200 });
  });

  it('a closed port is retried', async () => {
    const closed = await startReceiver();
    await closed.close();
    const settings = webhookChannel.validate({ url: `${closed.base}/x/${SECRET}` });
    const verdict = await send(context, settings);
    expect(verdict).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('outbound policy', () => {
  const names =
    (table: Record<string, string[]>): AddressResolver =>
    async (host) => {
      const found = table[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };

  it('refuses loopback by default: nothing reaches the server', async () => {
    const before = receiver.connections();
    const verdict = await send({ ...context, policy: channelNetworkPolicy() });
    expect(verdict).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('loopback') });
    expect(receiver.connections()).toBe(before);
  });

  it('refuses a name resolving to a private, link-local or metadata address', async () => {
    const policy = channelNetworkPolicy(
      { classes: ['loopback'] },
      names({ 'internal.example': ['10.0.0.5'], 'meta.example': ['169.254.169.254'], 'll.example': ['fe80::1'] }),
    );
    for (const [host, what] of [
      ['internal.example', 'private'],
      ['meta.example', 'metadata'],
      ['ll.example', 'link-local'],
    ]) {
      const settings = webhookChannel.validate({ url: `http://${host}/hook` });
      const verdict = await send({ ...context, policy }, settings);
      expect(verdict).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(what!) });
    }
  });

  it('refuses metadata spelt as an IPv4-mapped IPv6 literal', async () => {
    const settings = webhookChannel.validate({ url: 'http://[::ffff:169.254.169.254]/latest' });
    expect(await send({ ...context, policy: channelNetworkPolicy({ classes: ['linkLocal', 'private'] }) }, settings)).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('metadata'),
    });
  });

  it('an allowed range lets one address through while its class stays refused', async () => {
    const allowed = channelNetworkPolicy({ ranges: ['127.0.0.1/32'] }, names({ 'receiver.test': ['127.0.0.1'] }));
    receiver.answer({ status: 200 });
    const settings = webhookChannel.validate({ url: `http://receiver.test:${receiver.port}/hook` });
    expect(await send({ ...context, policy: allowed }, settings)).toEqual({ outcome: 'delivered', httpStatus: 200 });
    const other = webhookChannel.validate({ url: `http://127.0.0.2:${receiver.port}/hook` });
    expect((await send({ ...context, policy: allowed }, other)).outcome).toBe('failed');
  });

  it('no verdict reason carries the URL path, query or headers (secrets)', async () => {
    const reasons: string[] = [];
    for (const status of [400, 500]) {
      receiver.answer({ status });
      const verdict = await send();
      if (verdict.outcome !== 'delivered') reasons.push(verdict.reason);
    }
    const refused = await send({ ...context, policy: channelNetworkPolicy() });
    if (refused.outcome !== 'delivered') reasons.push(refused.reason);
    expect(reasons).toHaveLength(3);
    for (const reason of reasons) expect(reason).not.toContain(SECRET);
  });

  it('a provider echoing the request back has the secrets blanked in the reason', async () => {
    receiver.answer({ status: 400, body: `bad request to /hook/${SECRET}?token=${SECRET} with Authorization: Bearer ${SECRET}` });
    const verdict = await send();
    expect(verdict).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('bad request to /hook/***?token=*** with Authorization: ***'),
    });
    expect(JSON.stringify(verdict)).not.toContain(SECRET);
  });

  it('verdictOfResponse reads 2xx through the channel’s reader', () => {
    const verdict = verdictOfResponse({ status: 200, headers: {}, body: '{"id":"x"}' }, 'https://p.example', FIXED_NOW, () => ({
      providerId: 'x',
    }));
    expect(verdict).toEqual({ outcome: 'delivered', providerId: 'x', httpStatus: 200 });
  });
});
