import type { Kysely } from 'kysely';
import { CI_COLUMNS } from './ci.mapper';
import type { CisTable, InventoryTables, RelationshipsTable } from './inventory.tables';

/** SQL for bulk changes to CIs. Every method runs on the caller's transaction. */
export class BulkRepository {
  /** Full rows of the given CIs with their serial key (one statement; not the generated document and search columns). */
  rows(trx: Kysely<InventoryTables>, ids: readonly string[]): Promise<CisTable[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return trx
      .selectFrom('cis')
      .select([...CI_COLUMNS, 'search_text', 'serial_key', 'serial_maker'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  }

  /** The types of the given CIs, by id (one statement); ids that do not exist are absent. */
  async typesOf(trx: Kysely<InventoryTables>, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await trx.selectFrom('cis').select(['id', 'type']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.type]));
  }

  /** Writes `set` to one CI when it is still at `version`; false when someone changed it since it was read. */
  async update(trx: Kysely<InventoryTables>, id: string, version: number, set: Partial<CisTable>): Promise<boolean> {
    const result = await trx
      .updateTable('cis')
      .set({ ...set, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Adds tag rows (one statement) and removes `tags` from the CIs `ids` (one statement). */
  async changeTags(
    trx: Kysely<InventoryTables>,
    added: Array<{ ci_id: string; tag: string }>,
    removeFrom: readonly string[],
    removed: readonly string[],
  ): Promise<void> {
    if (removeFrom.length > 0 && removed.length > 0) {
      await trx.deleteFrom('ci_tags').where('ci_id', 'in', removeFrom).where('tag', 'in', removed).execute();
    }
    // Statements stay under both engines' parameter limits: two parameters per row.
    for (let i = 0; i < added.length; i += 5000) {
      await trx
        .insertInto('ci_tags')
        .values(added.slice(i, i + 5000))
        .execute();
    }
  }

  /** Every relationship with one of the given CIs at either end (one statement). */
  relationshipsOf(
    trx: Kysely<InventoryTables>,
    ids: readonly string[],
  ): Promise<Array<Pick<RelationshipsTable, 'id' | 'type' | 'source_id' | 'target_id'>>> {
    if (ids.length === 0) return Promise.resolve([]);
    return trx
      .selectFrom('relationships')
      .select(['id', 'type', 'source_id', 'target_id'])
      .where((eb) => eb.or([eb('source_id', 'in', ids), eb('target_id', 'in', ids)]))
      .orderBy('id')
      .execute();
  }

  /** Deletes the given CIs (one statement); their tags and relationships cascade. Returns how many went. */
  async delete(trx: Kysely<InventoryTables>, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await trx.deleteFrom('cis').where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
