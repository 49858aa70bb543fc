import type { AnyDb, EstateMigration } from './types';

/**
 * Alert rules and alerts (issue 15). Rule groups as Prometheus has them (their rules as JSON, a version bumped by
 * every change so an alert episode names the rules that fired it); one row per alert episode (a label set's life
 * from pending to resolved) with its acknowledgement and what suppressed it; each episode's timeline; and a small
 * key/value table for what the evaluator and the dispatcher must carry across a restart, plus the lease that makes
 * one process at a time run them.
 */
export const alerting: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('alert_rule_groups')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      // The group's own evaluation interval, ms; null: the default (1 minute).
      .addColumn('interval_ms', t.bigint)
      .addColumn('rule_limit', 'integer', (c) => c.notNull())
      // The rules as Estate's rule model (RuleSpec[]), durations in ms.
      .addColumn('rules', t.json, (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      // Where it came from: the file name it was imported as, or empty.
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      // rule:<group id>, alertmanager, events, …
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('rule_group_id', 'text', (c) => c.references('alert_rule_groups.id').onDelete('set null'))
      .addColumn('rule_name', 'text', (c) => c.notNull())
      // The rule group's version when the episode began.
      .addColumn('rule_version', 'integer')
      .addColumn('labels', t.json, (c) => c.notNull())
      .addColumn('annotations', t.json, (c) => c.notNull())
      // pending, firing or resolved.
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('active_at', t.bigint, (c) => c.notNull())
      .addColumn('fired_at', t.bigint)
      .addColumn('resolved_at', t.bigint)
      // Alerts sent in from outside: when it resolves unless it is sent again (Alertmanager's endsAt).
      .addColumn('ends_at', t.bigint)
      .addColumn('acknowledged_at', t.bigint)
      .addColumn('acknowledged_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      // Why notifications of it are held back now ({ kind, … }); null when nothing holds them.
      .addColumn('suppressed_by', t.json)
      // Whether a firing notification of this episode went out (a recovery goes only after one did).
      .addColumn('notified', 'integer', (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alerts_episode_idx').on('alerts').columns(['fingerprint', 'active_at']).unique().execute();
    await db.schema.createIndex('alerts_state_idx').on('alerts').columns(['state', 'active_at']).execute();
    await db.schema.createIndex('alerts_acknowledged_idx').on('alerts').column('acknowledged_at').execute();
    await db.schema.createIndex('alerts_updated_idx').on('alerts').columns(['updated_at', 'source']).execute();

    await db.schema
      .createTable('alert_events')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
      .addColumn('at', t.bigint, (c) => c.notNull())
      // pending, firing, resolved, acknowledged, suppressed, unsuppressed, notified, …
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('detail', t.json, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'at']).execute();

    await db.schema
      .createTable('alerting_state')
      .addColumn('key', 'text', (c) => c.primaryKey().notNull())
      .addColumn('value', t.json, (c) => c.notNull())
      // The process holding the evaluation lease (key `lease`), and until when; unused by other keys.
      .addColumn('holder', 'text')
      .addColumn('until', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
  },
});
