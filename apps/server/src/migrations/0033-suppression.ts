import type { AnyDb, EstateMigration } from './types';

/**
 * Suppression (issue 15): silences (kept after they expire, for history), maintenance windows (one-off or
 * recurring in a named time zone, scoped to CIs, checks, tags or label matchers) and the routing configuration
 * (one current row with its YAML as pasted; every earlier version kept in a history table).
 */
export const suppression: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('alert_silences')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      // The matchers as [{ name, type, value }]; their text form is derived when read.
      .addColumn('matchers', t.json, (c) => c.notNull())
      // The matchers in Alertmanager's text form, for the list's text filter.
      .addColumn('matchers_text', 'text', (c) => c.notNull())
      .addColumn('starts_at', t.bigint, (c) => c.notNull())
      // Expiring a silence sets this to the moment it was expired; the row stays for history.
      .addColumn('ends_at', t.bigint, (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      // Who the silence names as its author (a user's email, or what an API caller wrote); free text as in Alertmanager.
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_by_user', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_silences_ends_idx').on('alert_silences').columns(['ends_at', 'id']).execute();

    await db.schema
      .createTable('maintenance_windows')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      // The schedule: { kind: 'once', startsAt, endsAt } or { kind: 'weekly'|'daily'|'monthly', … } (see the service).
      .addColumn('schedule', t.json, (c) => c.notNull())
      // What it covers: { ciIds, checkIds, tags, matchers }.
      .addColumn('scope', t.json, (c) => c.notNull())
      // The first and last moment any occurrence may cover (epoch ms; null: open-ended), to skip old windows cheaply.
      .addColumn('active_from', t.bigint, (c) => c.notNull())
      .addColumn('active_until', t.bigint)
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('maintenance_windows_name_idx').on('maintenance_windows').columns(['name', 'id']).execute();
    await db.schema.createIndex('maintenance_windows_until_idx').on('maintenance_windows').column('active_until').execute();

    await db.schema
      .createTable('alert_routing_config')
      // One row: the current configuration (id is always 1).
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('alert_routing_config_history')
      .addColumn('version', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
});
