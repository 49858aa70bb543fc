/*
 * Durable delivery through the platform's jobs against a real HTTP receiver on loopback, on both engines: a target
 * down for ten minutes (injected clock), then up, gets every notification afterwards exactly once; Retry-After is
 * honoured; a 400 is not retried; a crash after the provider accepted (before the outcome was recorded) sends again
 * once and the log shows both attempts; a disabled or deleted channel fails saying so.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { AuditLog } from '../../../platform/audit/audit-log';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import { JobWorker } from '../../../platform/jobs';
import { type ChannelsPart, createChannelsPart } from './channels-part';
import { DELIVERY_QUEUE } from './delivery.service';
import type { DeliveryVerdict } from './delivery-verdict';
import { type HttpReceiver, startReceiver } from './http-receiver.fixtures';
import { FIXED_NOW, sampleNotification } from './notification.fixtures';
import { channelNetworkPolicy } from './outbound-http';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const quiet = { warn: () => {}, error: () => {} };

for (const engine of testEngines()) {
  describe(`durable notification delivery on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let part: ChannelsPart;
    let worker: JobWorker;
    let receiver: HttpReceiver;
    let clock = FIXED_NOW;
    let crashAfterSend: ((verdict: DeliveryVerdict) => void) | undefined;

    beforeAll(async () => {
      database = await engine.create();
      part = createChannelsPart({
        db: database.db,
        audit: new AuditLog(database),
        secretBox: SecretBox.fromKey(randomBytes(32)),
        policy: channelNetworkPolicy({ classes: ['loopback'] }),
        now: () => clock,
        delivery: { random: () => 0, afterSend: (verdict) => crashAfterSend?.(verdict) },
      });
      worker = new JobWorker(database, { now: () => clock, logger: quiet });
      part.jobs(worker);
    });
    beforeEach(async () => {
      receiver = await startReceiver();
      crashAfterSend = undefined;
    });
    afterEach(() => receiver.close());
    afterAll(() => database?.cleanup());

    let channelCount = 0;
    const webhook = async (url = `${receiver.base}/hook`) =>
      (await part.channels.create({ name: `hook ${++channelCount}`, type: 'webhook', secrets: { url } }, ctx)).id;
    const notify = (channelId: string, id: string) =>
      database.db.transaction().execute((trx) => part.queue.enqueueWithin(trx, [channelId], sampleNotification({ id })));
    const deliveriesOf = async (channelId: string) => (await part.deliveries.list({ channelId, limit: 500 })).items;
    /** Moves the clock on in `step` ms steps for `ms`, running what is due after each step. */
    const advance = async (ms: number, step: number) => {
      for (let passed = 0; passed < ms; passed += step) {
        clock += step;
        await worker.drain();
      }
    };
    const idsReceived = (r: HttpReceiver) => r.requests.map((q) => JSON.parse(q.body).id as string);

    it('a target down for ten minutes, then up, gets every notification afterwards, each once', async () => {
      const down = await startReceiver();
      const port = down.port;
      await down.close();
      const channel = await webhook(`http://127.0.0.1:${port}/hook`);
      const ids = Array.from({ length: 8 }, (_, i) => `outage-${i}`);
      for (const id of ids) await notify(channel, id);
      // The dispatcher may hand the same notification over twice: nothing more is written.
      await notify(channel, ids[0]!);
      expect(await deliveriesOf(channel)).toHaveLength(8);

      await worker.drain();
      await advance(10 * 60_000, 15_000);
      const during = await deliveriesOf(channel);
      expect(during.every((d) => d.status === 'retrying' && d.attempts >= 5)).toBe(true);
      expect(during[0]!.lastError).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);

      const up = await startReceiver(port);
      try {
        await advance(10 * 60_000, 15_000);
        const after = await deliveriesOf(channel);
        expect(after.map((d) => d.status)).toEqual(Array(8).fill('delivered'));
        expect(idsReceived(up).sort()).toEqual([...ids].sort());
        const detail = await part.deliveries.get(after[0]!.id);
        expect(detail.attemptLog.at(-1)).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
        expect(detail.attemptLog.slice(0, -1).every((a) => a.outcome === 'retry')).toBe(true);
        expect(detail.attemptLog.map((a) => a.number)).toEqual(detail.attemptLog.map((_, i) => i + 1));
      } finally {
        await up.close();
      }
    });

    it('429 with Retry-After: the next attempt waits for it, not for the shorter backoff', async () => {
      const channel = await webhook();
      receiver.answer({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
      await notify(channel, 'throttled');
      const start = clock;
      await worker.drain();
      const [retrying] = await deliveriesOf(channel);
      expect(retrying).toMatchObject({ status: 'retrying', attempts: 1, nextAttemptAt: start + 120_000 });
      receiver.answer({ status: 200 });
      clock = start + 119_999;
      expect(await worker.drain()).toBe(0);
      expect(receiver.requests).toHaveLength(1);
      clock = start + 120_000;
      expect(await worker.drain()).toBe(1);
      const detail = await part.deliveries.get(retrying!.id);
      expect(detail.status).toBe('delivered');
      expect(detail.attemptLog.map((a) => [a.outcome, a.httpStatus])).toEqual([
        ['retry', 429],
        ['delivered', 200],
      ]);
    });

    it('400 is failed for good: one request, no retry, the reason in the log', async () => {
      const channel = await webhook();
      receiver.answer({ status: 400, body: 'bad payload' });
      await notify(channel, 'refused');
      await worker.drain();
      await advance(60 * 60_000, 60_000);
      expect(receiver.requests).toHaveLength(1);
      const [failed] = await deliveriesOf(channel);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
      expect(failed!.lastError).toContain('answered 400: bad payload');
      const live = await database.db
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', DELIVERY_QUEUE)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      expect(live).toHaveLength(0);
    });

    it('a crash after the provider accepted, before the outcome was recorded: sent again once, both attempts logged', async () => {
      const channel = await webhook();
      let crashes = 0;
      crashAfterSend = () => {
        if (crashes++ === 0) throw new Error('worker killed after sending');
      };
      await notify(channel, 'crash-after-send');
      await worker.drain();
      expect(receiver.requests).toHaveLength(1);
      const [pending] = await deliveriesOf(channel);
      expect(pending!.status).toBe('queued');
      await advance(5_000, 1_000);
      expect(idsReceived(receiver)).toEqual(['crash-after-send', 'crash-after-send']);
      const detail = await part.deliveries.get(pending!.id);
      expect(detail.status).toBe('delivered');
      expect(detail.attemptLog.map((a) => a.outcome)).toEqual(['unknown', 'delivered']);
      expect(detail.attemptLog[0]!.detail).toMatch(/may have received it/);
    });

    it('a job run again after its outcome was recorded (completion lost) sends nothing more', async () => {
      const channel = await webhook();
      await notify(channel, 'completion-lost');
      const job = await database.db
        .selectFrom('jobs')
        .select(['payload'])
        .where('dedupe_key', 'like', `${DELIVERY_QUEUE}:%`)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
      const signal = new AbortController().signal;
      expect(await part.job.run({ payload, signal })).toMatchObject({ outcome: 'delivered', attempt: 1 });
      expect(await part.job.run({ payload, signal })).toEqual({ outcome: 'stale job' });
      expect(receiver.requests).toHaveLength(1);
    });

    it('a disabled or deleted channel: the delivery fails saying so, nothing is sent', async () => {
      const disabled = await webhook();
      const created = await part.channels.get(disabled);
      await part.channels.update(disabled, { enabled: false }, created.version, ctx);
      const deleted = await webhook();
      await notify(disabled, 'to-disabled');
      await notify(deleted, 'to-deleted');
      await part.channels.delete(deleted, 1, ctx);
      await worker.drain();
      expect(receiver.requests).toHaveLength(0);
      expect((await deliveriesOf(disabled))[0]).toMatchObject({
        status: 'failed',
        lastError: 'The channel is disabled; nothing was sent.',
      });
      expect((await deliveriesOf(deleted))[0]).toMatchObject({
        status: 'failed',
        channelName: null,
        lastError: 'The channel was deleted; nothing was sent.',
      });
    });

    it('the log keeps live deliveries and prunes finished ones past their retention, with their attempts', async () => {
      const channel = await webhook();
      await notify(channel, 'old-delivered');
      await worker.drain();
      receiver.answer({ status: 503 });
      await notify(channel, 'still-retrying');
      await worker.drain();
      const before = await deliveriesOf(channel);
      expect(before.map((d) => d.status).sort()).toEqual(['delivered', 'retrying']);
      expect(await part.deliveries.prune(clock + 1)).toBeGreaterThanOrEqual(1);
      const after = await deliveriesOf(channel);
      expect(after.map((d) => d.notificationId)).toEqual(['still-retrying']);
      const orphans = await database.db
        .selectFrom('notification_attempts')
        .select('delivery_id')
        .where('delivery_id', 'not in', database.db.selectFrom('notification_deliveries').select('id'))
        .execute();
      expect(orphans).toEqual([]);
      expect(await part.deliveries.prune(clock - 1)).toBe(0);
    });

    it('an alert without a sample value (NaN) renders the same after the round trip through the log', async () => {
      const channel = await webhook();
      const base = sampleNotification({ id: 'no-value' });
      const firing = base.firing.map((alert) => ({ ...alert, value: Number.NaN }));
      await database.db.transaction().execute((trx) => part.queue.enqueueWithin(trx, [channel], { ...base, firing }));
      await worker.drain();
      const body = JSON.parse(receiver.requests[0]!.body);
      expect(body.alerts.map((a: { value: string }) => a.value)).toEqual(['', '', '0']);
    });

    it('a resolved notification skips channels that do not want resolved ones', async () => {
      const quietChannel = (
        await part.channels.create(
          { name: 'no resolved', type: 'webhook', secrets: { url: `${receiver.base}/q` }, sendResolved: false },
          ctx,
        )
      ).id;
      const loud = await webhook();
      const resolved = sampleNotification({ id: 'all-resolved', firing: [] });
      await database.db.transaction().execute((trx) => part.queue.enqueueWithin(trx, [quietChannel, loud], resolved));
      expect(await deliveriesOf(quietChannel)).toHaveLength(0);
      expect(await deliveriesOf(loud)).toHaveLength(1);
    });
  });
}
