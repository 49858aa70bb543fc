import type { CheckSummary } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { MonitoringTables } from '../monitoring.tables';
import { statusOfRow } from '../state/check-recorder';
import type { CheckStatusSource, WrittenStatus } from './check-status-feed';

/** The live feed's reads of `check_states`, one statement each, and the summary from the checks repository. */
export class CheckStatusRepository implements CheckStatusSource {
  constructor(
    private readonly db: Kysely<MonitoringTables>,
    readonly summary: () => Promise<CheckSummary>,
  ) {}

  async writtenSince(since: number): Promise<WrittenStatus[]> {
    const rows = await this.db.selectFrom('check_states').selectAll().where('updated_at', '>=', since).execute();
    return rows.map((row) => ({
      id: row.check_id,
      status: statusOfRow(row),
      writtenAt: Number(row.updated_at),
      version: Number(row.results),
    }));
  }

  async latestWrite(): Promise<number> {
    const row = await this.db
      .selectFrom('check_states')
      .select((eb) => eb.fn.max('updated_at').as('latest'))
      .executeTakeFirst();
    return Number(row?.latest ?? 0);
  }
}
