/*
 * The delivery job: one attempt of one delivery per run. The attempt is written as `sending` before anything is
 * sent and settled after, so a worker that dies in between leaves a trace (the next run marks it `unknown`: the
 * provider may have it) and the next run sends again — at least once, at most one duplicate per such crash. A
 * provider's "try later" is not a job failure: the outcome, the next due time (backoff, or the provider's
 * Retry-After when later) and the next job are written in one transaction, and the job itself succeeds.
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { type BackoffPolicy, enqueue, type GiveUpContext, type JobContext, retryDelayMs } from '../../../platform/jobs';
import { channelType } from './channel-registry';
import { prepareChannelSettings, unsealChannelSecrets } from './channel-secrets';
import { sendNotification } from './channel-type';
import type { ChannelTables, NotificationChannelsTable, NotificationDeliveriesTable } from './channels.tables';
import { type DeliveryJobPayload, deliveryJob, notificationOfStored } from './delivery.service';
import type { DeliveryVerdict } from './delivery-verdict';
import type { ChannelNetworkPolicy } from './outbound-http';

/** How long a delivery keeps trying while its provider says "later". */
export interface DeliveryRetryPolicy {
  backoff: BackoffPolicy;
  /** Attempts before a delivery fails for good (the first included). */
  maxAttempts: number;
}

/** 5 s doubling to 5 min, 50 attempts: a provider may be down for about four hours and nothing is lost. */
export const DEFAULT_DELIVERY_RETRY: Readonly<DeliveryRetryPolicy> = { backoff: { baseMs: 5_000, capMs: 300_000 }, maxAttempts: 50 };

/** The note an attempt gets when its worker stopped before recording how it ended. */
export const UNKNOWN_OUTCOME = 'No outcome was recorded: the worker stopped during or after sending, so the provider may have received it.';

/** What the delivery job is built from. */
export interface DeliveryJobDeps {
  db: Kysely<ChannelTables>;
  secretBox: SecretBox;
  policy: ChannelNetworkPolicy;
  retry?: DeliveryRetryPolicy;
  now?: () => number;
  /** Jitter source of the backoff (tests). */
  random?: () => number;
  /**
   * Called after the provider answered and before the outcome is recorded (tests simulate a crash there by
   * throwing).
   */
  afterSend?: (verdict: DeliveryVerdict, payload: DeliveryJobPayload) => void | Promise<void>;
}

const FINAL = new Set(['delivered', 'failed']);

/** The handler of {@link DELIVERY_QUEUE}, and what to do when its job dies. */
export class DeliveryJob {
  private readonly now: () => number;
  private readonly retry: DeliveryRetryPolicy;

  constructor(private readonly deps: DeliveryJobDeps) {
    this.now = deps.now ?? Date.now;
    this.retry = deps.retry ?? DEFAULT_DELIVERY_RETRY;
  }

  /** One attempt of the delivery the job names; a stale or settled delivery is left alone. Returns what it did. */
  async run(job: Pick<JobContext<DeliveryJobPayload>, 'payload' | 'signal'>): Promise<{ outcome: string; attempt?: number }> {
    const opened = await this.open(job.payload);
    if ('skipped' in opened) return { outcome: opened.skipped };
    const { delivery, channel, number } = opened;
    const verdict = await this.send(delivery, channel, job.signal);
    await this.deps.afterSend?.(verdict, job.payload);
    await this.settle(delivery, number, verdict);
    return { outcome: verdict.outcome, attempt: number };
  }

  /**
   * Settles a delivery whose job died (faults in Estate, not the provider): failed, naming the error, with an attempt
   * left `sending` marked unknown. Runs in the transaction that marks the job dead.
   */
  async giveUp(payload: DeliveryJobPayload, error: unknown, ctx: GiveUpContext): Promise<void> {
    const trx = ctx.trx as Kysely<ChannelTables>;
    const now = this.now();
    await markUnknown(trx, payload.deliveryId, now);
    const message = error instanceof Error ? error.message : String(error);
    await trx
      .updateTable('notification_deliveries')
      .set({
        status: 'failed',
        last_error: `Delivery stopped: ${message}`.slice(0, 2_000),
        next_attempt_at: null,
        updated_at: now,
        finished_at: now,
      })
      .where('id', '=', payload.deliveryId)
      .where('round', '=', payload.round)
      .where('status', 'not in', ['delivered', 'failed'])
      .execute();
  }

  /** Starts an attempt: the delivery, its channel and the attempt's number, or why nothing is to be sent. */
  private open(
    payload: DeliveryJobPayload,
  ): Promise<{ skipped: string } | { delivery: NotificationDeliveriesTable; channel: NotificationChannelsTable; number: number }> {
    return withTransaction(this.deps.db, async (trx) => {
      const delivery = await trx.selectFrom('notification_deliveries').selectAll().where('id', '=', payload.deliveryId).executeTakeFirst();
      if (!delivery) return { skipped: 'no such delivery' };
      if (delivery.round !== payload.round || FINAL.has(delivery.status)) return { skipped: 'stale job' };
      const now = this.now();
      await markUnknown(trx, delivery.id, now);
      const number = delivery.attempts + 1;
      const channel = await trx.selectFrom('notification_channels').selectAll().where('id', '=', delivery.channel_id).executeTakeFirst();
      const refusal = !channel
        ? 'The channel was deleted; nothing was sent.'
        : !channel.enabled
          ? 'The channel is disabled; nothing was sent.'
          : null;
      await trx
        .insertInto('notification_attempts')
        .values({
          delivery_id: delivery.id,
          number,
          started_at: now,
          finished_at: refusal ? now : null,
          outcome: refusal ? 'failed' : 'sending',
          detail: refusal,
          http_status: null,
        })
        .execute();
      await trx
        .updateTable('notification_deliveries')
        .set(
          refusal
            ? { attempts: number, status: 'failed', last_error: refusal, next_attempt_at: null, updated_at: now, finished_at: now }
            : { attempts: number, updated_at: now },
        )
        .where('id', '=', delivery.id)
        .execute();
      if (refusal || !channel) return { skipped: 'channel unavailable' };
      return { delivery: { ...delivery, attempts: number }, channel, number };
    });
  }

  /** One attempt through the channel's type; never throws for the provider's sake. */
  private async send(
    delivery: NotificationDeliveriesTable,
    channel: NotificationChannelsTable,
    signal: AbortSignal,
  ): Promise<DeliveryVerdict> {
    const type = channelType(channel.type);
    if (!type) return { outcome: 'failed', reason: `This server has no channel type "${channel.type}".` };
    let settings: unknown;
    try {
      const secrets = unsealChannelSecrets(this.deps.secretBox, channel.id, channel.secret);
      settings = prepareChannelSettings(type, readJson<Record<string, unknown>>(channel.settings), secrets).validated;
    } catch (err) {
      return { outcome: 'failed', reason: `The channel's stored settings cannot be used: ${(err as Error).message}` };
    }
    const notification = notificationOfStored(delivery.notification);
    return sendNotification(type, settings, notification, { policy: this.deps.policy, now: this.now, signal });
  }

  /**
   * Records the attempt's outcome, and for a "later" the next due time and the next job, in one transaction. An
   * attempt another run already marked unknown (this run's lease was lost) is left as it is.
   */
  private async settle(delivery: NotificationDeliveriesTable, number: number, verdict: DeliveryVerdict): Promise<void> {
    await withTransaction(this.deps.db, async (trx) => {
      const now = this.now();
      const gaveUp = verdict.outcome === 'retry' && number >= this.retry.maxAttempts;
      const detail = verdict.outcome === 'delivered' ? (verdict.providerId ?? verdict.detail ?? null) : verdict.reason.slice(0, 2_000);
      const settled = await trx
        .updateTable('notification_attempts')
        .set({ outcome: verdict.outcome, finished_at: now, detail, http_status: verdict.httpStatus ?? null })
        .where('delivery_id', '=', delivery.id)
        .where('number', '=', number)
        .where('outcome', '=', 'sending')
        .executeTakeFirst();
      if (Number(settled.numUpdatedRows) !== 1) return;
      const mine = trx.updateTable('notification_deliveries').where('id', '=', delivery.id).where('attempts', '=', number);
      if (verdict.outcome === 'delivered') {
        await mine
          .set({
            status: 'delivered',
            provider_id: verdict.providerId ?? null,
            last_error: null,
            next_attempt_at: null,
            updated_at: now,
            finished_at: now,
          })
          .execute();
      } else if (verdict.outcome === 'failed' || gaveUp) {
        const reason = gaveUp ? `Gave up after ${number} attempts; the last: ${verdict.reason}` : verdict.reason;
        await mine
          .set({ status: 'failed', last_error: reason.slice(0, 2_000), next_attempt_at: null, updated_at: now, finished_at: now })
          .execute();
      } else {
        const nextAt = Math.max(now + retryDelayMs(number, this.retry.backoff, this.deps.random), verdict.notBefore ?? 0);
        const round = delivery.round + 1;
        await mine
          .set({ status: 'retrying', round, next_attempt_at: nextAt, last_error: verdict.reason.slice(0, 2_000), updated_at: now })
          .execute();
        await enqueue(trx, deliveryJob(delivery.id, round, nextAt));
      }
    });
  }
}

/** Marks the delivery's attempts still `sending` as unknown: their worker stopped before recording an outcome. */
async function markUnknown(trx: Kysely<ChannelTables>, deliveryId: string, now: number): Promise<void> {
  await trx
    .updateTable('notification_attempts')
    .set({ outcome: 'unknown', finished_at: now, detail: UNKNOWN_OUTCOME })
    .where('delivery_id', '=', deliveryId)
    .where('outcome', '=', 'sending')
    .execute();
}
