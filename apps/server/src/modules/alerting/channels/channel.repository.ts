import type { Kysely } from 'kysely';
import type { ChannelTables, DeliveryStatus, NotificationChannelsTable } from './channels.tables';

/** A channel's newest delivery, for the channel list. */
export interface LastDelivery {
  id: string;
  status: DeliveryStatus;
  at: number;
}

/** Reads and writes of `notification_channels`; no rules here (see ChannelService). */
export class ChannelRepository {
  constructor(private readonly db: Kysely<ChannelTables>) {}

  /** A page of channels in (name, id) order after the cursor's key. */
  list(filter: { type?: string }, limit: number, after: readonly [string, string] | undefined): Promise<NotificationChannelsTable[]> {
    let q = this.db.selectFrom('notification_channels').selectAll();
    if (filter.type) q = q.where('type', '=', filter.type);
    if (after) {
      const [name, id] = after;
      q = q.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
    }
    return q.orderBy('name').orderBy('id').limit(limit).execute();
  }

  get(id: string, executor: Kysely<ChannelTables> = this.db): Promise<NotificationChannelsTable | undefined> {
    return executor.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The channels among `ids` that exist. */
  getMany(executor: Kysely<ChannelTables>, ids: readonly string[]): Promise<NotificationChannelsTable[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return executor
      .selectFrom('notification_channels')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
  }

  async insert(trx: Kysely<ChannelTables>, row: NotificationChannelsTable): Promise<void> {
    await trx.insertInto('notification_channels').values(row).execute();
  }

  /** Writes a changed channel when its version is still `expected`; answers whether it did. */
  async update(trx: Kysely<ChannelTables>, row: NotificationChannelsTable, expected: number): Promise<boolean> {
    const { id, ...fields } = row;
    const result = await trx
      .updateTable('notification_channels')
      .set(fields)
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(trx: Kysely<ChannelTables>, id: string, expected: number): Promise<boolean> {
    const result = await trx.deleteFrom('notification_channels').where('id', '=', id).where('version', '=', expected).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Each channel's newest delivery (by id, which sorts by creation), in one statement. */
  async lastDeliveries(channelIds: readonly string[], executor: Kysely<ChannelTables> = this.db): Promise<Map<string, LastDelivery>> {
    const out = new Map<string, LastDelivery>();
    if (channelIds.length === 0) return out;
    const rows = await executor
      .selectFrom('notification_deliveries')
      .select(['id', 'channel_id', 'status', 'updated_at'])
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('notification_deliveries')
          .select((s) => s.fn.max('id').as('id'))
          .where('channel_id', 'in', [...channelIds])
          .groupBy('channel_id'),
      )
      .execute();
    for (const r of rows) out.set(r.channel_id, { id: r.id, status: r.status, at: Number(r.updated_at) });
    return out;
  }
}
