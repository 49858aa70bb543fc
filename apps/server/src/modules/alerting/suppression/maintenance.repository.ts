import { type Kysely, sql } from 'kysely';
import type { MaintenanceWindowsTable, SuppressionTables } from './suppression.tables';

type Db = Kysely<SuppressionTables>;

/** The most windows one calendar or "active now" read considers. */
export const MAX_WINDOWS_SCANNED = 2_000;

/** SQL for maintenance windows, both dialects. */
export class MaintenanceRepository {
  constructor(private readonly db: Db) {}

  list(q: string | undefined, limit: number, after?: [string, string]): Promise<MaintenanceWindowsTable[]> {
    let query = this.db.selectFrom('maintenance_windows').selectAll();
    if (q) {
      const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      query = query.where(sql<boolean>`lower(name) like ${pattern} escape '!'`);
    }
    if (after) {
      const [name, id] = after;
      query = query.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
    }
    return query.orderBy('name').orderBy('id').limit(limit).execute();
  }

  /** Windows whose bounds overlap `[from, to)`; at most {@link MAX_WINDOWS_SCANNED}. */
  overlapping(from: number, to: number, db: Kysely<SuppressionTables> = this.db): Promise<MaintenanceWindowsTable[]> {
    return db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('active_from', '<', to)
      .where((eb) => eb.or([eb('active_until', 'is', null), eb('active_until', '>', from)]))
      .orderBy('id')
      .limit(MAX_WINDOWS_SCANNED)
      .execute();
  }

  get(id: string, db: Kysely<SuppressionTables> = this.db): Promise<MaintenanceWindowsTable | undefined> {
    return db.selectFrom('maintenance_windows').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(trx: Kysely<SuppressionTables>, row: MaintenanceWindowsTable): Promise<void> {
    await trx.insertInto('maintenance_windows').values(row).execute();
  }

  async update(trx: Kysely<SuppressionTables>, row: MaintenanceWindowsTable, expected: number): Promise<boolean> {
    const { id, created_at: _c, created_by: _b, ...changes } = row;
    const result = await trx
      .updateTable('maintenance_windows')
      .set(changes)
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(trx: Kysely<SuppressionTables>, id: string, expected: number): Promise<boolean> {
    const result = await trx.deleteFrom('maintenance_windows').where('id', '=', id).where('version', '=', expected).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Which of these CI and check ids exist. */
  async existing(
    trx: Kysely<SuppressionTables>,
    ciIds: readonly string[],
    checkIds: readonly string[],
  ): Promise<{ cis: Set<string>; checks: Set<string> }> {
    const db: Db = trx;
    const cis =
      ciIds.length === 0
        ? []
        : await db
            .selectFrom('cis')
            .select('id')
            .where('id', 'in', [...ciIds])
            .execute();
    const checks =
      checkIds.length === 0
        ? []
        : await db
            .selectFrom('checks')
            .select('id')
            .where('id', 'in', [...checkIds])
            .execute();
    return { cis: new Set(cis.map((r) => r.id)), checks: new Set(checks.map((r) => r.id)) };
  }

  /** The CIs carrying each of these tags, by tag. */
  async cisTagged(tags: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (tags.length === 0) return out;
    const rows = await this.db
      .selectFrom('ci_tags')
      .select(['ci_id', 'tag'])
      .where('tag', 'in', [...tags])
      .execute();
    for (const row of rows) {
      const set = out.get(row.tag) ?? new Set<string>();
      set.add(row.ci_id);
      out.set(row.tag, set);
    }
    return out;
  }
}
