import type { EstateMigration } from './types';

/**
 * Which SNMP credentials each scan tries, in order. A table rather than ids inside the scan's JSON so that "is this
 * credential used?" is one indexed lookup, and the foreign key keeps a used credential from vanishing under a scan.
 */
export const discoveryScans: EstateMigration = () => ({
  async up(db) {
    await db.schema
      .createTable('discovery_scan_credentials')
      .addColumn('scan_id', 'text', (c) => c.notNull().references('discovery_scans.id').onDelete('cascade'))
      .addColumn('credential_id', 'text', (c) => c.notNull().references('snmp_credentials.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('discovery_scan_credentials_pk', ['scan_id', 'credential_id'])
      .execute();
    await db.schema
      .createIndex('discovery_scan_credentials_credential_idx')
      .on('discovery_scan_credentials')
      .column('credential_id')
      .execute();
  },
});
