import { sql } from 'kysely';
import type { AnyDb, EstateMigration } from './types';

/**
 * The inventory: configuration items with typed common fields, JSON attributes, custom fields and per-field
 * provenance; tags; typed relationships; the full change history; custom field definitions; saved views.
 * History rows carry no foreign key, so a deleted CI keeps its history.
 */
export const inventory: EstateMigration = (dialect, t) => ({
  async up(db: AnyDb) {
    const real = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('cis')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('environment', 'text')
      .addColumn('criticality', 'text')
      .addColumn('owner_team_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addColumn('location_id', 'text', (c) => c.references('cis.id').onDelete('set null'))
      .addColumn('serial', 'text')
      .addColumn('asset_tag', 'text')
      .addColumn('manufacturer', 'text')
      .addColumn('model', 'text')
      .addColumn('purchase_date', 'text')
      .addColumn('warranty_end', 'text')
      .addColumn('end_of_life', 'text')
      .addColumn('monthly_cost', sql.raw(real))
      .addColumn('attributes', t.json, (c) => c.notNull())
      .addColumn('custom_fields', t.json, (c) => c.notNull())
      .addColumn('provenance', t.json, (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('first_seen', t.bigint)
      .addColumn('last_seen', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cis_type_name_uq').on('cis').columns(['type', 'name']).unique().execute();
    await db.schema.createIndex('cis_name_idx').on('cis').columns(['name', 'id']).execute();
    await db.schema.createIndex('cis_type_id_idx').on('cis').columns(['type', 'id']).execute();
    await db.schema.createIndex('cis_status_idx').on('cis').columns(['status', 'id']).execute();
    await db.schema.createIndex('cis_updated_idx').on('cis').columns(['updated_at', 'id']).execute();
    await db.schema.createIndex('cis_serial_idx').on('cis').column('serial').execute();
    await db.schema.createIndex('cis_asset_tag_idx').on('cis').column('asset_tag').execute();
    await db.schema.createIndex('cis_owner_idx').on('cis').column('owner_team_id').execute();
    await db.schema.createIndex('cis_location_idx').on('cis').column('location_id').execute();
    await db.schema.createIndex('cis_warranty_idx').on('cis').column('warranty_end').execute();
    await db.schema.createIndex('cis_eol_idx').on('cis').column('end_of_life').execute();

    await db.schema
      .createTable('ci_tags')
      .addColumn('ci_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('tag', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ci_tags_pk', ['ci_id', 'tag'])
      .execute();
    await db.schema.createIndex('ci_tags_tag_idx').on('ci_tags').columns(['tag', 'ci_id']).execute();

    await db.schema
      .createTable('relationships')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('target_id', 'text', (c) => c.notNull().references('cis.id').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('relationships_uq').on('relationships').columns(['type', 'source_id', 'target_id']).unique().execute();
    await db.schema.createIndex('relationships_source_idx').on('relationships').columns(['source_id', 'type']).execute();
    await db.schema.createIndex('relationships_target_idx').on('relationships').columns(['target_id', 'type']).execute();

    await db.schema
      .createTable('ci_history')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('ci_id', 'text', (c) => c.notNull())
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text')
      .addColumn('changes', t.json, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ci_history_ci_idx').on('ci_history').columns(['ci_id', 'id']).execute();

    await db.schema
      .createTable('custom_fields')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('ci_type', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('required', 'integer', (c) => c.notNull())
      .addColumn('options', t.json, (c) => c.notNull())
      .addColumn('reference_type', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('custom_fields_uq').on('custom_fields').columns(['ci_type', 'key']).unique().execute();

    await db.schema
      .createTable('saved_views')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('query', t.json, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('saved_views_user_idx').on('saved_views').columns(['user_id', 'resource']).execute();
  },
});
