import type { EstateMigration } from './types';

/**
 * Relationship imports: `imports.kind` says what an import creates, `cis` (every import before this migration) or
 * `relationships`. A relationship import has no CI type; its `ci_type` is ''.
 */
export const inventoryImportRelationships: EstateMigration = () => ({
  async up(db) {
    await db.schema
      .alterTable('imports')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('cis'))
      .execute();
  },
});
