import type { CheckListQuery, CheckState, CheckSummary } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import type { CheckStatesTable, ChecksTable, MonitoringTables } from './monitoring.tables';

/** A check row with the CIs it watches and its state row (absent before its first result). */
export interface CheckRow extends ChecksTable {
  ci_ids: string[];
  state_row: CheckStatesTable | undefined;
}

/** The CIs each of these checks watches, by check id (a check without any is absent). */
export async function ciIdsByCheck(db: Kysely<MonitoringTables>, checkIds: readonly string[]): Promise<Map<string, string[]>> {
  const byCheck = new Map<string, string[]>();
  if (checkIds.length === 0) return byCheck;
  const links = await db
    .selectFrom('check_cis')
    .select(['check_id', 'ci_id'])
    .where('check_id', 'in', [...checkIds])
    .execute();
  for (const link of links) byCheck.set(link.check_id, [...(byCheck.get(link.check_id) ?? []), link.ci_id]);
  return byCheck;
}

/** Reads and writes of the checks tables; no rules here (see CheckService). */
export class CheckRepository {
  constructor(private readonly db: Kysely<MonitoringTables>) {}

  /**
   * A page of checks in (name, id) order after the cursor's key, filtered. A state filter of `unknown` includes
   * checks that never ran (they have no state row).
   */
  async list(
    query: Omit<CheckListQuery, 'limit' | 'cursor'>,
    limit: number,
    after: readonly [string, string] | undefined,
  ): Promise<CheckRow[]> {
    let q = this.db.selectFrom('checks').leftJoin('check_states', 'check_states.check_id', 'checks.id').selectAll('checks');
    if (query.state === 'unknown')
      q = q.where((eb) => eb.or([eb('check_states.state', '=', 'unknown'), eb('check_states.state', 'is', null)]));
    else if (query.state) q = q.where('check_states.state', '=', query.state);
    if (query.type) q = q.where('checks.type', '=', query.type);
    if (query.enabled !== undefined) q = q.where('checks.enabled', '=', query.enabled ? 1 : 0);
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(checks.name)`, 'like', sql`${pattern} escape '\\'`),
          eb(sql`lower(checks.target)`, 'like', sql`${pattern} escape '\\'`),
        ]),
      );
    }
    if (query.ciId) {
      const ciId = query.ciId;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('check_cis')
            .select('check_cis.check_id')
            .whereRef('check_cis.check_id', '=', 'checks.id')
            .where('check_cis.ci_id', '=', ciId),
        ),
      );
    }
    if (after) {
      const [name, id] = after;
      q = q.where((eb) => eb.or([eb('checks.name', '>', name), eb.and([eb('checks.name', '=', name), eb('checks.id', '>', id)])]));
    }
    const rows = await q.orderBy('checks.name').orderBy('checks.id').limit(limit).execute();
    return this.decorate(rows);
  }

  async get(id: string, executor: Kysely<MonitoringTables> = this.db): Promise<CheckRow | undefined> {
    const row = await executor.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.decorate([row], executor))[0] : undefined;
  }

  /** The checks among `ids` that exist, decorated (in chunks, so a bulk change of thousands stays within bind limits). */
  async getMany(ids: readonly string[]): Promise<CheckRow[]> {
    const rows: CheckRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      rows.push(...(await this.decorate(await this.db.selectFrom('checks').selectAll().where('id', 'in', chunk).execute())));
    }
    return rows;
  }

  /** Every check, decorated, for the runner's start (and its full resyncs). */
  async all(): Promise<CheckRow[]> {
    return this.decorate(await this.db.selectFrom('checks').selectAll().orderBy('id').execute());
  }

  /** Checks changed at or after `since` (the runner's polling; it compares versions). */
  async changedSince(since: number): Promise<CheckRow[]> {
    return this.decorate(await this.db.selectFrom('checks').selectAll().where('updated_at', '>=', since).execute());
  }

  async ids(): Promise<Set<string>> {
    return new Set((await this.db.selectFrom('checks').select('id').execute()).map((r) => r.id));
  }

  async insert(trx: Kysely<MonitoringTables>, row: ChecksTable, ciIds: readonly string[]): Promise<void> {
    await trx.insertInto('checks').values(row).execute();
    if (ciIds.length > 0)
      await trx
        .insertInto('check_cis')
        .values(ciIds.map((ci_id) => ({ check_id: row.id, ci_id })))
        .execute();
  }

  /** Writes a changed check when its version is still `expected`; answers whether it did. */
  async update(trx: Kysely<MonitoringTables>, row: ChecksTable, expected: number, ciIds: readonly string[] | undefined): Promise<boolean> {
    const { id, ...fields } = row;
    const result = await trx.updateTable('checks').set(fields).where('id', '=', id).where('version', '=', expected).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (ciIds) {
      await trx.deleteFrom('check_cis').where('check_id', '=', id).execute();
      if (ciIds.length > 0)
        await trx
          .insertInto('check_cis')
          .values(ciIds.map((ci_id) => ({ check_id: id, ci_id })))
          .execute();
    }
    return true;
  }

  async delete(trx: Kysely<MonitoringTables>, id: string, expected: number): Promise<boolean> {
    const result = await trx.deleteFrom('checks').where('id', '=', id).where('version', '=', expected).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** The CIs among `ids` that exist. */
  async existingCis(trx: Kysely<MonitoringTables>, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    return new Set(
      (
        await trx
          .selectFrom('cis')
          .select('id')
          .where('id', 'in', [...ids])
          .execute()
      ).map((r) => r.id),
    );
  }

  /** How many checks are in each state; disabled checks are counted apart, whatever their state. */
  async summary(): Promise<CheckSummary> {
    const rows = await this.db
      .selectFrom('checks')
      .leftJoin('check_states', 'check_states.check_id', 'checks.id')
      .select(['checks.enabled as enabled', 'check_states.state as state', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['checks.enabled', 'check_states.state'])
      .execute();
    const summary: CheckSummary = { total: 0, up: 0, degraded: 0, down: 0, unknown: 0, disabled: 0 };
    for (const row of rows) {
      const count = Number(row.count);
      summary.total += count;
      if (!Number(row.enabled)) summary.disabled += count;
      else summary[(row.state ?? 'unknown') as CheckState] += count;
    }
    return summary;
  }

  private async decorate(rows: ChecksTable[], executor: Kysely<MonitoringTables> = this.db): Promise<CheckRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const cis = new Map<string, string[]>();
    const states = new Map<string, CheckStatesTable>();
    // Bounded IN lists: a full resync reads thousands of checks.
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      for (const link of await executor.selectFrom('check_cis').selectAll().where('check_id', 'in', slice).orderBy('ci_id').execute()) {
        const list = cis.get(link.check_id) ?? [];
        list.push(link.ci_id);
        cis.set(link.check_id, list);
      }
      for (const state of await executor.selectFrom('check_states').selectAll().where('check_id', 'in', slice).execute()) {
        states.set(state.check_id, state);
      }
    }
    return rows.map((row) => ({ ...row, ci_ids: cis.get(row.id) ?? [], state_row: states.get(row.id) }));
  }
}
