import type { AnyDb, EstateMigration } from './types';

/**
 * Monitoring (issue 14): checks, the CIs they watch, each check's current state, its last results in a fixed ring
 * of rows (never a row per run: a table that grows with every run is what makes other tools' databases slow), and
 * the history of its state changes, from which uptime is computed exactly.
 */
export const monitoring: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('checks')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('interval_ms', t.bigint, (c) => c.notNull())
      .addColumn('timeout_ms', t.bigint, (c) => c.notNull())
      .addColumn('retries', 'integer', (c) => c.notNull())
      .addColumn('config', t.json, (c) => c.notNull())
      .addColumn('conditions', t.json, (c) => c.notNull())
      .addColumn('warning_conditions', t.json, (c) => c.notNull())
      // The secrets as JSON sealed with the secret box, bound to the check's id; null when it has none.
      .addColumn('secret', 'text')
      .addColumn('secret_names', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('checks_name_idx').on('checks').columns(['name', 'id']).execute();
    await db.schema.createIndex('checks_updated_idx').on('checks').column('updated_at').execute();

    await db.schema
      .createTable('check_cis')
      .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id').onDelete('cascade'))
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('check_cis_pk', ['check_id', 'ci_id'])
      .execute();
    await db.schema.createIndex('check_cis_ci_idx').on('check_cis').column('ci_id').execute();

    await db.schema
      .createTable('check_states')
      .addColumn('check_id', 'text', (c) => c.primaryKey().notNull().references('checks.id').onDelete('cascade'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('since', t.bigint)
      .addColumn('last_run_at', t.bigint)
      .addColumn('last_status', 'text')
      .addColumn('last_duration_ms', 'double precision')
      .addColumn('last_message', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
      .addColumn('flapping', 'integer', (c) => c.notNull())
      // Times of the last state changes (a short list), for flap detection.
      .addColumn('changes', t.json, (c) => c.notNull())
      // How many results were ever recorded: the next result goes to ring slot `results % ring size`.
      .addColumn('results', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('check_states_state_idx').on('check_states').column('state').execute();

    await db.schema
      .createTable('check_results')
      .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id').onDelete('cascade'))
      .addColumn('slot', 'integer', (c) => c.notNull())
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('conditions', t.json, (c) => c.notNull())
      .addColumn('details', t.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('check_results_pk', ['check_id', 'slot'])
      .execute();

    await db.schema
      .createTable('check_state_history')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id').onDelete('cascade'))
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('previous', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('check_state_history_check_idx').on('check_state_history').columns(['check_id', 'at', 'id']).execute();
  },
});
