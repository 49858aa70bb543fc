import type { AnyDb, EstateMigration } from './types';

/**
 * Identity follow-ups: merge suggestions outlive the CIs they name (a merge deletes one of the pair, and the
 * suggestion must stay as a record marked `merged`), so their CI references become nullable and are cleared instead
 * of cascading; and the resources each Terraform state lineage imported are tracked, so a newer state can retire
 * exactly the CIs whose resources vanished from it.
 */
export const discoveryIdentity: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    // Changing a foreign key's action needs a rebuilt table on SQLite; the same steps run on PostgreSQL.
    await db.schema
      .createTable('merge_suggestions_next')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('ci_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addColumn('other_ci_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('details', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('resolved_at', t.bigint)
      .addColumn('resolved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .execute();
    await db
      .insertInto('merge_suggestions_next')
      .columns(['id', 'ci_id', 'other_ci_id', 'reason', 'details', 'status', 'source', 'created_at', 'resolved_at', 'resolved_by'])
      .expression(
        db
          .selectFrom('merge_suggestions')
          .select(['id', 'ci_id', 'other_ci_id', 'reason', 'details', 'status', 'source', 'created_at', 'resolved_at', 'resolved_by']),
      )
      .execute();
    await db.schema.dropTable('merge_suggestions').execute();
    await db.schema.alterTable('merge_suggestions_next').renameTo('merge_suggestions').execute();
    await db.schema.createIndex('merge_suggestions_status_idx').on('merge_suggestions').columns(['status', 'id']).execute();
    await db.schema.createIndex('merge_suggestions_pair_idx').on('merge_suggestions').columns(['ci_id', 'other_ci_id']).execute();
    await db.schema.createIndex('merge_suggestions_other_idx').on('merge_suggestions').column('other_ci_id').execute();

    await db.schema
      .createTable('terraform_resources')
      .addColumn('lineage', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('serial', t.bigint, (c) => c.notNull())
      .addColumn('vanished_serial', t.bigint)
      .addPrimaryKeyConstraint('terraform_resources_pk', ['lineage', 'external_id'])
      .execute();
    await db.schema.createIndex('terraform_resources_ci_idx').on('terraform_resources').column('ci_id').execute();
  },
});
