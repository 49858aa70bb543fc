import type { SilenceStateName } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import type { AlertSilencesTable, SuppressionTables } from './suppression.tables';

/** The filters of a silence list page. */
export interface SilenceFilter {
  state?: SilenceStateName;
  matcher?: string;
}

/** SQL for silences, both dialects. Lists are keyset-paged by (ends_at, id), newest end first. */
export class SilenceRepository {
  constructor(private readonly db: Kysely<SuppressionTables>) {}

  async list(filter: SilenceFilter, now: number, limit: number, after?: [number, string]): Promise<AlertSilencesTable[]> {
    let query = this.db.selectFrom('alert_silences').selectAll();
    if (filter.state === 'active') query = query.where('starts_at', '<=', now).where('ends_at', '>', now);
    else if (filter.state === 'pending') query = query.where('starts_at', '>', now);
    else if (filter.state === 'expired') query = query.where('ends_at', '<=', now);
    if (filter.matcher) {
      const pattern = `%${filter.matcher.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      query = query.where(sql<boolean>`lower(matchers_text) like ${pattern} escape '!'`);
    }
    if (after) {
      const [endsAt, id] = after;
      query = query.where((eb) => eb.or([eb('ends_at', '<', endsAt), eb.and([eb('ends_at', '=', endsAt), eb('id', '<', id)])]));
    }
    return query.orderBy('ends_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** Silences active at `now` (bounded by what is stored as active: they end in the future). */
  active(now: number): Promise<AlertSilencesTable[]> {
    return this.db.selectFrom('alert_silences').selectAll().where('ends_at', '>', now).where('starts_at', '<=', now).execute();
  }

  get(id: string, db: Kysely<SuppressionTables> = this.db): Promise<AlertSilencesTable | undefined> {
    return db.selectFrom('alert_silences').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(trx: Kysely<SuppressionTables>, row: AlertSilencesTable): Promise<void> {
    await trx.insertInto('alert_silences').values(row).execute();
  }

  /** Writes a changed silence if it is still at `expected`; false when another change came first. */
  async update(trx: Kysely<SuppressionTables>, row: AlertSilencesTable, expected: number): Promise<boolean> {
    const { id, created_at: _c, created_by: _b, created_by_user: _u, ...changes } = row;
    // PostgreSQL reads jsonb back as values; pg would write an array value as an SQL array, so write JSON text.
    const matchers = typeof changes.matchers === 'string' ? changes.matchers : JSON.stringify(changes.matchers);
    const result = await trx
      .updateTable('alert_silences')
      .set({ ...changes, matchers })
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
