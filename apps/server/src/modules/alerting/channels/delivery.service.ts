import type { NotificationDelivery, NotificationDeliveryDetail, NotificationListQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../../platform/db/database';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { deleteInBatches, type EnqueueOptions, type Executor, enqueueMany } from '../../../platform/jobs';
import type { ChannelTables, NotificationDeliveriesTable } from './channels.tables';
import { DeliveryRepository, type DeliveryRow } from './delivery.repository';
import { type Notification, notificationStatus } from './notification';

/** The job queue deliveries run on. */
export const DELIVERY_QUEUE = 'alerting.notification';

/** Runs of one delivery job before it dies of faults in Estate itself (a provider's refusals are counted apart). */
export const DELIVERY_JOB_ATTEMPTS = 5;

/** A delivery job's payload: the delivery, and which of its jobs this is (a stale job does nothing). */
export interface DeliveryJobPayload {
  deliveryId: string;
  round: number;
}

/**
 * A notification read back from the log. JSON has no NaN (an alert without a sample value, a test alert): it was
 * stored as null and becomes NaN again, so a retry renders the same message as the first attempt.
 */
export function notificationOfStored(stored: unknown): Notification {
  const notification = readJson<Notification>(stored);
  const revive = (alerts: Notification['firing']) =>
    alerts.map((alert) => (typeof alert.value === 'number' ? alert : { ...alert, value: Number.NaN }));
  return { ...notification, firing: revive(notification.firing ?? []), resolved: revive(notification.resolved ?? []) };
}

/** The job of `deliveryId`'s `round`, idempotent per delivery and round. */
export function deliveryJob(deliveryId: string, round: number, runAt: number): EnqueueOptions<DeliveryJobPayload> {
  return {
    queue: DELIVERY_QUEUE,
    payload: { deliveryId, round },
    runAt,
    maxAttempts: DELIVERY_JOB_ATTEMPTS,
    dedupeKey: `${DELIVERY_QUEUE}:${deliveryId}:${round}`,
  };
}

/**
 * What the alerting dispatcher calls to have a notification delivered: durable (a job per channel, written in the
 * caller's transaction), idempotent per notification and channel, at least once.
 */
export interface NotificationQueue {
  /**
   * Writes one delivery (a log row and its job) for each of `channelIds` inside `trx`, so they exist exactly when
   * the caller's change commits. A (notification.id, channel) pair already enqueued writes nothing; a channel that
   * does not want resolved notifications is skipped for one whose alerts all resolved; a channel that is disabled
   * or gone gets a delivery that fails saying so.
   */
  enqueueWithin(trx: Executor, channelIds: readonly string[], notification: Notification): Promise<void>;
}

/** The delivery log: writes deliveries (see {@link NotificationQueue}) and reads them for the API. */
export class DeliveryService implements NotificationQueue {
  readonly repo: DeliveryRepository;
  private readonly now: () => number;

  private readonly db: Kysely<ChannelTables>;

  constructor(deps: { db: Kysely<ChannelTables>; now?: () => number }) {
    this.db = deps.db;
    this.repo = new DeliveryRepository(deps.db);
    this.now = deps.now ?? Date.now;
  }

  async enqueueWithin(trx: Executor, channelIds: readonly string[], notification: Notification): Promise<void> {
    const ids = [...new Set(channelIds)];
    if (ids.length === 0) return;
    const db = trx as Kysely<ChannelTables>;
    const now = this.now();
    let wanted = ids;
    if (notificationStatus(notification) === 'resolved') {
      const quiet = await db
        .selectFrom('notification_channels')
        .select('id')
        .where('id', 'in', ids)
        .where('send_resolved', '=', 0)
        .execute();
      const skip = new Set(quiet.map((r) => r.id));
      wanted = ids.filter((id) => !skip.has(id));
      if (wanted.length === 0) return;
    }
    const body = JSON.stringify(notification);
    const rows: NotificationDeliveriesTable[] = wanted.map((channelId) => ({
      id: newId(now),
      dedup_key: `${notification.id}:${channelId}`,
      notification_id: notification.id,
      channel_id: channelId,
      group_key: notification.groupKey,
      receiver: notification.receiver,
      notification: body,
      status: 'queued',
      attempts: 0,
      round: 1,
      next_attempt_at: now,
      last_error: null,
      provider_id: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    }));
    const inserted = await db
      .insertInto('notification_deliveries')
      .values(rows)
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('id')
      .execute();
    await enqueueMany(
      trx,
      inserted.map((r) => deliveryJob(r.id, 1, now)),
    );
  }

  /**
   * Deletes finished deliveries (delivered or failed) that finished before `cutoff` (epoch ms), with their attempts,
   * in batches; live ones are never touched. A pruned delivery's dedup key is free again, so keep the log longer
   * than anyone would hand the same notification over again. Returns how many it deleted.
   */
  prune(cutoff: number, batchSize = 1_000): Promise<number> {
    return deleteInBatches(batchSize, async (size) => {
      const result = await this.db
        .deleteFrom('notification_deliveries')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('notification_deliveries')
            .select('id')
            .where('status', 'in', ['delivered', 'failed'])
            .where('finished_at', '<', cutoff)
            .limit(size),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  async list(query: NotificationListQuery): Promise<{ items: NotificationDelivery[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const before = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1)[0]);
    const page = toPage(await this.repo.list(query, limit + 1, before), limit, (r) => [r.id]);
    return { items: page.items.map(presentDelivery), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<NotificationDeliveryDetail> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The notification');
    const attempts = await this.repo.attempts(id);
    return {
      ...presentDelivery(row),
      notification: readJson(row.notification),
      attemptLog: attempts.map((a) => ({
        number: a.number,
        startedAt: Number(a.started_at),
        finishedAt: a.finished_at === null ? null : Number(a.finished_at),
        outcome: a.outcome,
        detail: a.detail,
        httpStatus: a.http_status,
      })),
    };
  }
}

function presentDelivery(row: DeliveryRow): NotificationDelivery {
  const notification = notificationOfStored(row.notification);
  return {
    id: row.id,
    notificationId: row.notification_id,
    channelId: row.channel_id,
    channelName: row.channel_name,
    groupKey: row.group_key,
    receiver: row.receiver,
    groupStatus: notificationStatus(notification),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
    lastError: row.last_error,
    providerId: row.provider_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}
