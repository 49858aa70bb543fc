import type { AnyDb, EstateMigration } from './types';

/**
 * On-call (issue 15): schedules (their layers and overrides as one JSON definition, read by the on-call library),
 * escalation policies, calendar feed tokens (only a hash kept; revocable), and the escalations running for incidents.
 * The scheduler's own table is called `schedules`, so these carry an `oncall_` prefix.
 */
export const oncall: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('oncall_schedules')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      // `{ layers, overrides }` as the library's Schedule holds them.
      .addColumn('definition', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oncall_schedules_name_idx').on('oncall_schedules').column('name').unique().execute();

    await db.schema
      .createTable('escalation_policies')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('steps', t.json, (c) => c.notNull())
      .addColumn('repeat', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escalation_policies_name_idx').on('escalation_policies').column('name').unique().execute();

    await db.schema
      .createTable('oncall_feed_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      // 'user' or 'schedule': whose feed the token opens.
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      // SHA-256 of the token, hex; the token itself is shown once and never stored.
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema.createIndex('oncall_feed_tokens_hash_idx').on('oncall_feed_tokens').column('token_hash').unique().execute();
    await db.schema.createIndex('oncall_feed_tokens_subject_idx').on('oncall_feed_tokens').columns(['kind', 'subject_id']).execute();

    await db.schema
      .createTable('escalations')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('incident_key', 'text', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull().references('escalation_policies.id').onDelete('cascade'))
      .addColumn('alert', t.json, (c) => c.notNull())
      .addColumn('started_at', t.bigint, (c) => c.notNull())
      .addColumn('acknowledged_at', t.bigint)
      .addColumn('acknowledged_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('resolved_at', t.bigint)
      // What was sent and skipped so far (keys of notifications), so a tick never sends one twice.
      .addColumn('progress', t.json, (c) => c.notNull())
      // When the escalation next acts; null when it is done, acknowledged or resolved.
      .addColumn('next_at', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('escalations_incident_idx').on('escalations').column('incident_key').unique().execute();
    await db.schema.createIndex('escalations_next_idx').on('escalations').column('next_at').execute();

    // When the last tick looked for handoffs, per schedule, so each handoff is noticed once.
    await db.schema
      .createTable('oncall_handoff_marks')
      .addColumn('schedule_id', 'text', (c) => c.primaryKey().notNull().references('oncall_schedules.id').onDelete('cascade'))
      .addColumn('checked_until', t.bigint, (c) => c.notNull())
      .execute();
  },
});
