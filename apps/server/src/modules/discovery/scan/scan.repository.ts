import { type Kysely, sql } from 'kysely';
import { publishEvent } from '../../../platform/events';
import type { JobTables } from '../../../platform/jobs';
import type { DiscoveryHostsTable, DiscoveryRunsTable, DiscoveryScansTable, DiscoveryTables } from '../discovery.tables';

/** Row shape of `discovery_scan_credentials` (migration 0009): the credentials a scan tries, in order. */
export interface DiscoveryScanCredentialsTable {
  scan_id: string;
  credential_id: string;
  position: number;
}

/** The tables scans, runs and SNMP credentials use. */
export type ScanTables = DiscoveryTables & JobTables & { discovery_scan_credentials: DiscoveryScanCredentialsTable };

/** The job queue scan runs go through, and the dedupe key that ties a run to its one job. */
export const SCAN_RUN_QUEUE = 'discovery.scan-run';
export const runJobKey = (runId: string) => `discovery.run:${runId}`;

/** A scan row with its credential ids (in order) and its latest run. */
export type ScanRow = DiscoveryScansTable & {
  credential_ids: string[];
  last_run: Pick<DiscoveryRunsTable, 'id' | 'status' | 'created_at' | 'finished_at'> | null;
};

/** A run row with its scan's name. */
export type RunRow = DiscoveryRunsTable & { scan_name: string };

/** A host row with its CI's name and type (null when it has no CI or the CI was deleted). */
export type HostRow = DiscoveryHostsTable & { ci_name: string | null; ci_type: string | null };

/** SQL for scans, their runs and per-host results. Both engines. */
export class ScanRepository {
  constructor(readonly db: Kysely<ScanTables>) {}

  /** Scans in name order after `afterName`, with credential ids and latest run (three statements a page). */
  async list(limit: number, afterName?: string): Promise<ScanRow[]> {
    let q = this.db.selectFrom('discovery_scans').selectAll();
    if (afterName !== undefined) q = q.where('name', '>', afterName);
    return this.decorate(this.db, await q.orderBy('name').limit(limit).execute());
  }

  async get(id: string, executor: Kysely<ScanTables> = this.db): Promise<ScanRow | undefined> {
    const row = await executor.selectFrom('discovery_scans').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.decorate(executor, [row]))[0] : undefined;
  }

  /** Reads and, on PostgreSQL, locks a scan row until the transaction ends (serialises run starts per scan). */
  async lock(executor: Kysely<ScanTables>, id: string, postgres: boolean): Promise<DiscoveryScansTable | undefined> {
    return executor
      .selectFrom('discovery_scans')
      .selectAll()
      .where('id', '=', id)
      .$if(postgres, (q) => q.forUpdate())
      .executeTakeFirst();
  }

  private async decorate(executor: Kysely<ScanTables>, rows: DiscoveryScansTable[]): Promise<ScanRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const creds = await executor
      .selectFrom('discovery_scan_credentials')
      .selectAll()
      .where('scan_id', 'in', ids)
      .orderBy('scan_id')
      .orderBy('position')
      .execute();
    const runs = await executor
      .selectFrom('discovery_runs as r')
      .select(['r.id', 'r.scan_id', 'r.status', 'r.created_at', 'r.finished_at'])
      .where('r.scan_id', 'in', ids)
      .where('r.id', '=', (eb) =>
        eb
          .selectFrom('discovery_runs as l')
          .select((s) => s.fn.max('l.id').as('m'))
          .whereRef('l.scan_id', '=', 'r.scan_id'),
      )
      .execute();
    return rows.map((r) => {
      const run = runs.find((x) => x.scan_id === r.id);
      return {
        ...r,
        credential_ids: creds.filter((c) => c.scan_id === r.id).map((c) => c.credential_id),
        last_run: run ? { id: run.id, status: run.status, created_at: run.created_at, finished_at: run.finished_at } : null,
      };
    });
  }

  async insert(executor: Kysely<ScanTables>, row: DiscoveryScansTable, credentialIds: string[]): Promise<void> {
    await executor
      .insertInto('discovery_scans')
      .values({ ...row, targets: JSON.stringify(row.targets), options: JSON.stringify(row.options) })
      .execute();
    await this.setCredentials(executor, row.id, credentialIds);
  }

  /** Writes a new version when the stored one is `expected`; false otherwise. */
  async update(executor: Kysely<ScanTables>, row: DiscoveryScansTable, expected: number, credentialIds?: string[]): Promise<boolean> {
    const result = await executor
      .updateTable('discovery_scans')
      .set({
        name: row.name,
        targets: JSON.stringify(row.targets),
        options: JSON.stringify(row.options),
        interval_minutes: row.interval_minutes,
        next_run_at: row.next_run_at,
        updated_at: row.updated_at,
        version: row.version,
      })
      .where('id', '=', row.id)
      .where('version', '=', expected)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    if (credentialIds) await this.setCredentials(executor, row.id, credentialIds);
    return true;
  }

  private async setCredentials(executor: Kysely<ScanTables>, scanId: string, ids: string[]): Promise<void> {
    await executor.deleteFrom('discovery_scan_credentials').where('scan_id', '=', scanId).execute();
    if (ids.length === 0) return;
    await executor
      .insertInto('discovery_scan_credentials')
      .values(ids.map((credential_id, position) => ({ scan_id: scanId, credential_id, position })))
      .execute();
  }

  async delete(executor: Kysely<ScanTables>, id: string): Promise<void> {
    await executor.deleteFrom('discovery_scans').where('id', '=', id).execute();
  }

  /** The scan's queued or running run, if any. */
  async activeRun(executor: Kysely<ScanTables>, scanId: string): Promise<DiscoveryRunsTable | undefined> {
    return executor
      .selectFrom('discovery_runs')
      .selectAll()
      .where('scan_id', '=', scanId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
  }

  async insertRun(executor: Kysely<ScanTables>, row: DiscoveryRunsTable): Promise<void> {
    await executor
      .insertInto('discovery_runs')
      .values({ ...row, summary: row.summary === null ? null : JSON.stringify(row.summary) })
      .execute();
  }

  async getRun(id: string, executor: Kysely<ScanTables> = this.db): Promise<RunRow | undefined> {
    return executor
      .selectFrom('discovery_runs as r')
      .innerJoin('discovery_scans as s', 's.id', 'r.scan_id')
      .selectAll('r')
      .select('s.name as scan_name')
      .where('r.id', '=', id)
      .executeTakeFirst();
  }

  /** A scan's runs, newest first, before the id `beforeId`. */
  async listRuns(scanId: string, limit: number, beforeId?: string): Promise<RunRow[]> {
    let q = this.db
      .selectFrom('discovery_runs as r')
      .innerJoin('discovery_scans as s', 's.id', 'r.scan_id')
      .selectAll('r')
      .select('s.name as scan_name')
      .where('r.scan_id', '=', scanId);
    if (beforeId !== undefined) q = q.where('r.id', '<', beforeId);
    return q.orderBy('r.id', 'desc').limit(limit).execute();
  }

  /** Sets run columns. */
  async setRun(
    id: string,
    set: Partial<Pick<DiscoveryRunsTable, 'status' | 'total' | 'done' | 'summary' | 'error' | 'started_at' | 'finished_at'>>,
    executor: Kysely<ScanTables> = this.db,
  ): Promise<void> {
    const values = { ...set, ...(set.summary !== undefined ? { summary: JSON.stringify(set.summary) } : {}) };
    await executor.updateTable('discovery_runs').set(values).where('id', '=', id).execute();
  }

  /**
   * Marks failed every queued or running run (of one scan, or of all) whose job is `dead`: the job platform's final
   * failure, reached when the last attempt threw or when the worker running it died. Publishes
   * `discovery.run.finished` for each in the same transaction; a run already failed is not marked (or published)
   * again, also when several processes do this at once. Returns how many it marked.
   */
  async failRunsOfDeadJobs(scanId?: string, runId?: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const failed = await this.markRunsOfDeadJobs(trx, scanId, runId);
      for (const run of failed) {
        await publishEvent(trx, 'discovery.run.finished', {
          runId: run.id,
          scanId: run.scan_id,
          status: 'failed',
          counts: { new: 0, changed: 0, missing: 0, unchanged: 0 },
          error: run.error,
        });
      }
      return failed.length;
    });
  }

  private async markRunsOfDeadJobs(trx: Kysely<ScanTables>, scanId?: string, runId?: string) {
    const now = Date.now();
    let q = trx
      .updateTable('discovery_runs')
      .set((eb) => ({
        status: 'failed',
        finished_at: now,
        error: eb
          .selectFrom('jobs')
          .select(sql<string>`'The scan job failed for good: ' || coalesce(last_error, 'no error recorded')`.as('e'))
          .where('jobs.dedupe_key', '=', sql<string>`${'discovery.run:'} || discovery_runs.id`),
      }))
      .where('status', 'in', ['queued', 'running'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('jobs')
            .select('jobs.id')
            .where('jobs.dedupe_key', '=', sql<string>`${'discovery.run:'} || discovery_runs.id`)
            .where('jobs.status', '=', 'dead'),
        ),
      );
    if (scanId !== undefined) q = q.where('scan_id', '=', scanId);
    if (runId !== undefined) q = q.where('id', '=', runId);
    return q.returning(['id', 'scan_id', 'error']).execute();
  }

  /** The newest succeeded run of a scan other than `exceptRunId`. */
  async previousSucceeded(scanId: string, exceptRunId: string): Promise<DiscoveryRunsTable | undefined> {
    return this.db
      .selectFrom('discovery_runs')
      .selectAll()
      .where('scan_id', '=', scanId)
      .where('status', '=', 'succeeded')
      .where('id', '<>', exceptRunId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Every host row of a run that is not `missing` (what the run itself saw). */
  async seenHosts(runId: string): Promise<DiscoveryHostsTable[]> {
    return this.db.selectFrom('discovery_hosts').selectAll().where('run_id', '=', runId).where('change', '<>', 'missing').execute();
  }

  async insertHosts(executor: Kysely<ScanTables>, rows: DiscoveryHostsTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      await executor
        .insertInto('discovery_hosts')
        .values(rows.slice(i, i + 200).map((r) => ({ ...r, data: JSON.stringify(r.data) })))
        .execute();
    }
  }

  async clearHosts(runId: string): Promise<void> {
    await this.db.deleteFrom('discovery_hosts').where('run_id', '=', runId).execute();
  }

  /** A page of a run's hosts in address order, with their CIs. */
  async hosts(runId: string, limit: number, afterAddress?: string, change?: string): Promise<HostRow[]> {
    let q = this.db
      .selectFrom('discovery_hosts as h')
      .leftJoin('cis as c', 'c.id', 'h.ci_id')
      .selectAll('h')
      .select(['c.name as ci_name', 'c.type as ci_type'])
      .where('h.run_id', '=', runId);
    if (change !== undefined) q = q.where('h.change', '=', change);
    if (afterAddress !== undefined) q = q.where('h.address', '>', afterAddress);
    return q.orderBy('h.address').limit(limit).execute();
  }

  /**
   * Scans whose `next_run_at` has come, oldest due first. The scheduler claims each with {@link claimDue}.
   */
  async due(now: number, limit: number): Promise<DiscoveryScansTable[]> {
    return this.db
      .selectFrom('discovery_scans')
      .selectAll()
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(limit)
      .execute();
  }

  /**
   * Moves a due scan's `next_run_at` from `seen` to `next`, only if it is still `seen`: of several schedulers that
   * saw the scan due, exactly one gets true (PostgreSQL re-checks the condition after waiting on the row lock).
   */
  async claimDue(executor: Kysely<ScanTables>, id: string, seen: number, next: number): Promise<boolean> {
    const result = await executor
      .updateTable('discovery_scans')
      .set({ next_run_at: next })
      .where('id', '=', id)
      .where('next_run_at', '=', seen)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
