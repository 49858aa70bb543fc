import type { Kysely } from 'kysely';
import type { AlertRoutingConfigTable, SuppressionTables } from './suppression.tables';

/** A stored version of the routing configuration with its author's email. */
export interface RoutingVersionRow {
  version: number;
  yaml: string;
  updated_at: number;
  updated_by: string | null;
  updated_by_email: string | null;
}

/** SQL for the routing configuration: one current row (id 1) and a history of every version. */
export class RoutingConfigRepository {
  constructor(private readonly db: Kysely<SuppressionTables>) {}

  /** The current version number, 0 when none is stored: one primary-key read. */
  async version(): Promise<number> {
    const row = await this.db.selectFrom('alert_routing_config').select('version').where('id', '=', 1).executeTakeFirst();
    return row?.version ?? 0;
  }

  current(db: Kysely<SuppressionTables> = this.db): Promise<RoutingVersionRow | undefined> {
    return db
      .selectFrom('alert_routing_config as c')
      .leftJoin('users as u', 'u.id', 'c.updated_by')
      .select(['c.version', 'c.yaml', 'c.updated_at', 'c.updated_by', 'u.email as updated_by_email'])
      .where('c.id', '=', 1)
      .executeTakeFirst();
  }

  /**
   * Stores a new version if the current one is still `expected` (0: none stored yet); false when another change
   * came first. Writes the history row in the same transaction.
   */
  async put(trx: Kysely<SuppressionTables>, row: Omit<AlertRoutingConfigTable, 'id'>, expected: number): Promise<boolean> {
    if (expected === 0) {
      const exists = await trx.selectFrom('alert_routing_config').select('id').where('id', '=', 1).executeTakeFirst();
      if (exists) return false;
      await trx
        .insertInto('alert_routing_config')
        .values({ id: 1, ...row })
        .execute();
    } else {
      const result = await trx
        .updateTable('alert_routing_config')
        .set(row)
        .where('id', '=', 1)
        .where('version', '=', expected)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
    }
    await trx.insertInto('alert_routing_config_history').values(row).execute();
    return true;
  }

  history(limit: number, before?: number): Promise<RoutingVersionRow[]> {
    let query = this.db
      .selectFrom('alert_routing_config_history as h')
      .leftJoin('users as u', 'u.id', 'h.updated_by')
      .select(['h.version', 'h.yaml', 'h.updated_at', 'h.updated_by', 'u.email as updated_by_email']);
    if (before !== undefined) query = query.where('h.version', '<', before);
    return query.orderBy('h.version', 'desc').limit(limit).execute();
  }
}
