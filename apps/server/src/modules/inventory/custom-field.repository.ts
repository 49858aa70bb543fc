import type { CustomField } from '@estate/contract';
import type { Kysely, Selectable } from 'kysely';
import { type Dialect, readJson } from '../../platform/db/database';
import type { CustomFieldsTable, InventoryTables } from './inventory.tables';

export type CustomFieldRow = Selectable<CustomFieldsTable>;

/** SQL for custom field definitions. Definitions are few (tens per type), so lists are bounded by nature. */
export class CustomFieldRepository {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /** Presents a definition row through the API. */
  toCustomField(row: CustomFieldRow): CustomField {
    return {
      id: row.id,
      ciType: row.ci_type,
      key: row.key,
      label: row.label,
      kind: row.kind as CustomField['kind'],
      required: Boolean(row.required),
      options: readJson<string[]>(row.options, this.dialect) ?? [],
      referenceType: row.reference_type,
      createdAt: Number(row.created_at),
    };
  }

  /** Every definition, optionally of one CI type, ordered by type then key. */
  async list(ciType?: string, db: Kysely<InventoryTables> = this.db): Promise<CustomField[]> {
    let q = db.selectFrom('custom_fields').selectAll();
    if (ciType !== undefined) q = q.where('ci_type', '=', ciType);
    const rows = await q.orderBy('ci_type').orderBy('key').limit(10_000).execute();
    return rows.map((r) => this.toCustomField(r));
  }

  async byId(id: string, db: Kysely<InventoryTables> = this.db): Promise<CustomField | undefined> {
    const row = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.toCustomField(row) : undefined;
  }

  async byTypeAndKey(ciType: string, key: string, db: Kysely<InventoryTables> = this.db): Promise<CustomField | undefined> {
    const row = await db.selectFrom('custom_fields').selectAll().where('ci_type', '=', ciType).where('key', '=', key).executeTakeFirst();
    return row ? this.toCustomField(row) : undefined;
  }

  async insert(db: Kysely<InventoryTables>, field: CustomField): Promise<void> {
    await db
      .insertInto('custom_fields')
      .values({
        id: field.id,
        ci_type: field.ciType,
        key: field.key,
        label: field.label,
        kind: field.kind,
        required: field.required ? 1 : 0,
        options: JSON.stringify(field.options),
        reference_type: field.referenceType,
        created_at: field.createdAt,
      })
      .execute();
  }

  async delete(db: Kysely<InventoryTables>, id: string): Promise<boolean> {
    const result = await db.deleteFrom('custom_fields').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
