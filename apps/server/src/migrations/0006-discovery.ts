import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * Discovery: enrolled host agents and their credentials, replay and idempotency records, the metric samples agents
 * send, the identifiers that tie observations to one CI, merge suggestions, installed software, SNMP credentials
 * (encrypted), network scans with their runs and per-host results, Terraform state imports, and the server's own
 * identity keys (private halves encrypted with the key file outside the database).
 */
export const discovery: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    const real = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('server_keys')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('purpose', 'text', (c) => c.notNull().unique())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('enrollment_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('require_approval', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('used_at', t.bigint)
      .addColumn('agent_id', 'text')
      .addColumn('revoked_at', t.bigint)
      .execute();

    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('machine_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('os', 'text')
      .addColumn('ci_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('key_fingerprint', 'text', (c) => c.notNull().unique())
      .addColumn('enrollment_token_id', 'text', (c) => c.references('enrollment_tokens.id').onDelete('set null'))
      .addColumn('enrolled_at', t.bigint, (c) => c.notNull())
      .addColumn('approved_at', t.bigint)
      .addColumn('approved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('revoked_at', t.bigint)
      .addColumn('revoked_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('last_seen_at', t.bigint)
      .addColumn('last_address', 'text')
      .addColumn('dropped_records', t.bigint, (c) => c.notNull())
      .addColumn('snapshot', t.json)
      .addColumn('snapshot_hash', 'text')
      .addColumn('snapshot_at', t.bigint)
      .addColumn('version_no', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agents_status_idx').on('agents').columns(['status', 'id']).execute();
    await db.schema.createIndex('agents_ci_idx').on('agents').column('ci_id').execute();

    // A nonce is kept until its timestamp could no longer pass the clock-skew check, then pruned.
    await db.schema
      .createTable('agent_nonces')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_nonces_pk', ['agent_id', 'nonce'])
      .execute();
    await db.schema.createIndex('agent_nonces_expiry_idx').on('agent_nonces').column('expires_at').execute();

    // The first answer to each Idempotency-Key, so a retried record is answered without being applied twice.
    await db.schema
      .createTable('agent_receipts')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response', t.json, (c) => c.notNull())
      .addColumn('received_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_receipts_pk', ['agent_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('agent_receipts_received_idx').on('agent_receipts').column('received_at').execute();

    // Raw samples until the metrics store arrives; (agent, series, time) is stored once, so resends are harmless.
    await db.schema
      .createTable('agent_samples')
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('series', 'text', (c) => c.notNull())
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('value', sql.raw(real), (c) => c.notNull())
      .addPrimaryKeyConstraint('agent_samples_pk', ['agent_id', 'series', 'at'])
      .execute();

    // Identifiers seen for a CI (serial, machine id, MAC, hostname, IP, external id); matching looks up (kind, value).
    await db.schema
      .createTable('ci_identifiers')
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('ci_identifiers_pk', ['ci_id', 'kind', 'value'])
      .execute();
    await db.schema.createIndex('ci_identifiers_lookup_idx').on('ci_identifiers').columns(['kind', 'value']).execute();

    await db.schema
      .createTable('merge_suggestions')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('other_ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('details', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('resolved_at', t.bigint)
      .addColumn('resolved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .execute();
    await db.schema.createIndex('merge_suggestions_status_idx').on('merge_suggestions').columns(['status', 'id']).execute();
    await db.schema.createIndex('merge_suggestions_pair_idx').on('merge_suggestions').columns(['ci_id', 'other_ci_id']).execute();

    await db.schema
      .createTable('ci_software')
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('arch', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('ci_software_pk', ['ci_id', 'name', 'arch'])
      .execute();
    await db.schema.createIndex('ci_software_name_idx').on('ci_software').columns(['name', 'version']).execute();

    await db.schema
      .createTable('snmp_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('snmp_version', 'text', (c) => c.notNull())
      .addColumn('params', t.json, (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('discovery_scans')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('targets', t.json, (c) => c.notNull())
      .addColumn('options', t.json, (c) => c.notNull())
      .addColumn('interval_minutes', 'integer')
      .addColumn('next_run_at', t.bigint)
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('discovery_scans_due_idx').on('discovery_scans').column('next_run_at').execute();

    await db.schema
      .createTable('discovery_runs')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('scan_id', 'text', (c) => c.notNull().references('discovery_scans.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('summary', t.json)
      .addColumn('error', 'text')
      .addColumn('requested_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('started_at', t.bigint)
      .addColumn('finished_at', t.bigint)
      .execute();
    await db.schema.createIndex('discovery_runs_scan_idx').on('discovery_runs').columns(['scan_id', 'id']).execute();

    await db.schema
      .createTable('discovery_hosts')
      .addColumn('run_id', 'text', (c) => c.notNull().references('discovery_runs.id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('change', 'text', (c) => c.notNull())
      .addColumn('data', t.json, (c) => c.notNull())
      .addColumn('ci_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addPrimaryKeyConstraint('discovery_hosts_pk', ['run_id', 'address'])
      .execute();

    await db.schema
      .createTable('terraform_imports')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('lineage', 'text', (c) => c.notNull())
      .addColumn('serial', t.bigint, (c) => c.notNull())
      .addColumn('summary', t.json, (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('terraform_imports_lineage_idx').on('terraform_imports').columns(['lineage', 'id']).execute();
  },
});
