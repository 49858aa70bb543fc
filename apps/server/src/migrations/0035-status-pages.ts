import type { AnyDb, EstateMigration } from './types';

/**
 * Status pages: a title, a unique slug, a description, whether signed-out readers may see it, and its components
 * (business service CIs and checks, in order, with display names and groups) as one JSON list. Components are not
 * foreign keys: a CI or check deleted later shows as unknown until the page is edited.
 */
export const statusPages: EstateMigration = (_dialect, t) => ({
  async up(db: AnyDb) {
    await db.schema
      .createTable('status_pages')
      .addColumn('id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('public', 'integer', (c) => c.notNull())
      // [{ kind: 'service'|'check', refId, displayName, group }] in page order.
      .addColumn('components', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('status_pages_title_idx').on('status_pages').columns(['title', 'id']).execute();
  },
});
