import type { AnyDb, EstateMigration } from './types';

/**
 * Notification channels (issue 15): channels with sealed secrets, and the delivery log — one row per (notification,
 * channel), unique by its dedup key, with every attempt made for it.
 */
export const notificationChannels: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('notification_channels')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      // The type's settings without the secret fields.
      .addColumn('settings', t.json, (c) => c.notNull())
      // The secret fields as JSON, sealed with the secret box and bound to the channel's id; null when none is set.
      .addColumn('secret', 'text')
      .addColumn('secret_names', t.json, (c) => c.notNull())
      .addColumn('send_resolved', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    // No foreign key to the channel: a delivery outlives its channel (the log says it failed because it was deleted).
    await db.schema
      .createTable('notification_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
      .addColumn('notification_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('receiver', 'text', (c) => c.notNull())
      .addColumn('notification', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      // Which job carries the delivery now: a job whose round is older is a stale re-run and does nothing.
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', t.bigint)
      .addColumn('last_error', 'text')
      .addColumn('provider_id', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('notification_deliveries_channel_idx')
      .on('notification_deliveries')
      .columns(['channel_id', 'id'])
      .execute();
    await db.schema.createIndex('notification_deliveries_status_idx').on('notification_deliveries').columns(['status', 'id']).execute();
    await db.schema.createIndex('notification_deliveries_group_idx').on('notification_deliveries').columns(['group_key', 'id']).execute();

    await db.schema
      .createTable('notification_attempts')
      .addColumn('delivery_id', 'text', (c) => c.notNull().references('notification_deliveries.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('started_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      // sending (no outcome recorded yet), delivered, retry, failed, or unknown (the worker stopped after sending).
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('http_status', 'integer')
      .addPrimaryKeyConstraint('notification_attempts_pk', ['delivery_id', 'number'])
      .execute();
  },
});
