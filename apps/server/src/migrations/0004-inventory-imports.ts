import type { EstateMigration } from './types';

/**
 * CMDB imports: one row per uploaded CSV or JSON file, its options, progress and bounded report. The uploaded text
 * stays in `content` only until the import finishes (then it is set to null), so finished imports hold no copy.
 */
export const inventoryImports: EstateMigration = (_dialect, t) => ({
  async up(db) {
    await db.schema
      .createTable('imports')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('ci_type', 'text', (c) => c.notNull())
      .addColumn('mapping', t.json)
      .addColumn('natural_key', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('context', t.json, (c) => c.notNull())
      .addColumn('total_rows', 'integer')
      .addColumn('processed_rows', 'integer', (c) => c.notNull())
      .addColumn('report', t.json)
      .addColumn('content', 'text')
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .execute();
    await db.schema.createIndex('imports_user_idx').on('imports').columns(['user_id', 'id']).execute();
  },
});
