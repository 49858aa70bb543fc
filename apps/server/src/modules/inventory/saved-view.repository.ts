import type { Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database';
import { readJson } from '../../platform/db/database';
import type { InventoryTables, SavedViewsTable } from './inventory.tables';

/** SQL for saved views. Every read and delete is scoped to the owning user. */
export class SavedViewRepository {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /** A user's views of a resource after the id `afterId`, oldest first, at most `limit`. */
  async listOwn(userId: string, resource: string, limit: number, afterId?: string): Promise<SavedViewsTable[]> {
    const rows = await this.db
      .selectFrom('saved_views')
      .selectAll()
      .where('user_id', '=', userId)
      .where('resource', '=', resource)
      .$if(afterId !== undefined, (q) => q.where('id', '>', afterId!))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, query: readJson(r.query, this.dialect) }));
  }

  /** How many views the user has, up to `max` (enough to enforce a per-user cap without a full count). */
  async countOwn(db: Kysely<InventoryTables>, userId: string, max: number): Promise<number> {
    const rows = await db.selectFrom('saved_views').select('id').where('user_id', '=', userId).limit(max).execute();
    return rows.length;
  }

  async insert(db: Kysely<InventoryTables>, row: SavedViewsTable): Promise<void> {
    await db
      .insertInto('saved_views')
      .values({ ...row, query: JSON.stringify(row.query) })
      .execute();
  }

  /** Deletes the user's view; returns it, or undefined when the user has no view with that id. */
  async deleteOwn(db: Kysely<InventoryTables>, userId: string, id: string): Promise<SavedViewsTable | undefined> {
    const row = await db.selectFrom('saved_views').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) return undefined;
    await db.deleteFrom('saved_views').where('id', '=', id).execute();
    return { ...row, query: readJson(row.query, this.dialect) };
  }
}
