import type { NotificationListQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ChannelTables, NotificationAttemptsTable, NotificationDeliveriesTable } from './channels.tables';

/** A delivery row with its channel's current name (null once deleted). */
export interface DeliveryRow extends NotificationDeliveriesTable {
  channel_name: string | null;
}

/** Reads of the delivery log; the delivery job writes it (see delivery.job.ts). */
export class DeliveryRepository {
  constructor(private readonly db: Kysely<ChannelTables>) {}

  /** A page of deliveries, newest first, after the cursor's id, filtered; one statement. */
  list(filter: Omit<NotificationListQuery, 'limit' | 'cursor'>, limit: number, before: string | undefined): Promise<DeliveryRow[]> {
    let q = this.db
      .selectFrom('notification_deliveries as d')
      .leftJoin('notification_channels as c', 'c.id', 'd.channel_id')
      .selectAll('d')
      .select('c.name as channel_name');
    if (filter.channelId) q = q.where('d.channel_id', '=', filter.channelId);
    if (filter.status) q = q.where('d.status', '=', filter.status);
    if (filter.groupKey) q = q.where('d.group_key', '=', filter.groupKey);
    if (before) q = q.where('d.id', '<', before);
    return q.orderBy('d.id', 'desc').limit(limit).execute() as Promise<DeliveryRow[]>;
  }

  get(id: string): Promise<DeliveryRow | undefined> {
    return this.db
      .selectFrom('notification_deliveries as d')
      .leftJoin('notification_channels as c', 'c.id', 'd.channel_id')
      .selectAll('d')
      .select('c.name as channel_name')
      .where('d.id', '=', id)
      .executeTakeFirst() as Promise<DeliveryRow | undefined>;
  }

  attempts(deliveryId: string): Promise<NotificationAttemptsTable[]> {
    return this.db.selectFrom('notification_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('number').execute();
  }
}
