import type { Kysely } from 'kysely';
import type { StatusPagesTable, StatusTables } from './status.tables';

type Db = Kysely<StatusTables>;

/** SQL for status pages, both dialects; and the names of the CIs and checks pages refer to. */
export class StatusPageRepository {
  constructor(private readonly db: Db) {}

  list(limit: number, after?: [string, string]): Promise<StatusPagesTable[]> {
    let query = this.db.selectFrom('status_pages').selectAll();
    if (after) {
      const [title, id] = after;
      query = query.where((eb) => eb.or([eb('title', '>', title), eb.and([eb('title', '=', title), eb('id', '>', id)])]));
    }
    return query.orderBy('title').orderBy('id').limit(limit).execute();
  }

  get(id: string, db: Db = this.db): Promise<StatusPagesTable | undefined> {
    return db.selectFrom('status_pages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  bySlug(slug: string): Promise<StatusPagesTable | undefined> {
    return this.db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async insert(trx: Db, row: StatusPagesTable): Promise<void> {
    await trx.insertInto('status_pages').values(row).execute();
  }

  async update(trx: Db, row: StatusPagesTable, expected: number): Promise<boolean> {
    const { id, created_at: _c, created_by: _b, ...changes } = row;
    const result = await trx
      .updateTable('status_pages')
      .set(changes)
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(trx: Db, id: string, expected: number): Promise<boolean> {
    const result = await trx.deleteFrom('status_pages').where('id', '=', id).where('version', '=', expected).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** The CIs (name and type) and checks (name) with these ids that exist; two statements at most. */
  async referenced(
    ciIds: readonly string[],
    checkIds: readonly string[],
    db: Db = this.db,
  ): Promise<{ cis: Map<string, { name: string; type: string }>; checks: Map<string, string> }> {
    // Guard against running an invalid `in ()` when a page names none of a kind.
    const cis =
      ciIds.length === 0
        ? []
        : await db
            .selectFrom('cis')
            .select(['id', 'name', 'type'])
            .where('id', 'in', [...ciIds])
            .execute();
    const checks =
      checkIds.length === 0
        ? []
        : await db
            .selectFrom('checks')
            .select(['id', 'name'])
            .where('id', 'in', [...checkIds])
            .execute();
    return {
      cis: new Map(cis.map((r) => [r.id, { name: r.name, type: r.type }])),
      checks: new Map(checks.map((r) => [r.id, r.name])),
    };
  }
}
