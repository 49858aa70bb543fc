import type { Kysely } from 'kysely';
import type { ChecksTable, MonitoringTables } from './monitoring.tables';

/** Rows per INSERT: at two dozen columns a check, far under both engines' limits on parameters per statement. */
const INSERT_CHUNK = 200;
/** Ids per IN list. */
const ID_CHUNK = 500;

/** What bulk changes read of a check. */
export type BulkCheckRow = Pick<ChecksTable, 'id' | 'name' | 'type' | 'target' | 'enabled'>;

/** SQL for bulk changes to checks, on the caller's transaction; a constant number of statements per 500 checks. */
export class CheckBulkRepository {
  async insert(trx: Kysely<MonitoringTables>, rows: ReadonlyArray<{ row: ChecksTable; ciIds: readonly string[] }>): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await trx
        .insertInto('checks')
        .values(chunk.map((c) => c.row))
        .execute();
      const links = chunk.flatMap((c) => c.ciIds.map((ci_id) => ({ check_id: c.row.id, ci_id })));
      for (let j = 0; j < links.length; j += 1_000) {
        await trx
          .insertInto('check_cis')
          .values(links.slice(j, j + 1_000))
          .execute();
      }
    }
  }

  /** The checks among `ids` that exist. */
  async rows(trx: Kysely<MonitoringTables>, ids: readonly string[]): Promise<BulkCheckRow[]> {
    const out: BulkCheckRow[] = [];
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      out.push(
        ...(await trx
          .selectFrom('checks')
          .select(['id', 'name', 'type', 'target', 'enabled'])
          .where('id', 'in', ids.slice(i, i + ID_CHUNK))
          .execute()),
      );
    }
    return out;
  }

  /** Sets `enabled` on the given checks, a new version each; answers how many rows changed. */
  async setEnabled(trx: Kysely<MonitoringTables>, ids: readonly string[], enabled: boolean, now: number): Promise<number> {
    let changed = 0;
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const result = await trx
        .updateTable('checks')
        .set((eb) => ({ enabled: enabled ? 1 : 0, updated_at: now, version: eb('version', '+', 1) }))
        .where('id', 'in', ids.slice(i, i + ID_CHUNK))
        .executeTakeFirst();
      changed += Number(result.numUpdatedRows);
    }
    return changed;
  }

  /** Deletes the given checks; their links, state, results and history cascade. Answers how many went. */
  async delete(trx: Kysely<MonitoringTables>, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const result = await trx
        .deleteFrom('checks')
        .where('id', 'in', ids.slice(i, i + ID_CHUNK))
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  }
}
