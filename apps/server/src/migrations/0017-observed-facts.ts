import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * What observers saw of a CI beyond its typed fields: its network interfaces, one row per interface and source
 * (an agent's and an SNMP scan's view of one host sit side by side), and observed facts, the values an observation
 * carried that the CI's type has no field for (an SNMP management address on a server, sysLocation) or that a better
 * observer already set, kept per key and source instead of being dropped.
 */
export const observedFacts: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    const real = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('ci_interfaces')
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text')
      .addColumn('description', 'text')
      .addColumn('mac', 'text')
      .addColumn('addresses', t.json, (c) => c.notNull())
      .addColumn('speed_mbps', sql.raw(real))
      .addColumn('admin_up', 'integer')
      .addColumn('oper_up', 'integer')
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('ci_interfaces_pk', ['ci_id', 'source', 'name'])
      .execute();

    await db.schema
      .createTable('ci_observed_facts')
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('value', t.json, (c) => c.notNull())
      .addColumn('observer', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('ci_observed_facts_pk', ['ci_id', 'key', 'source'])
      .execute();
  },
});
