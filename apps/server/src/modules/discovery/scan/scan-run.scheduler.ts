import type { Kysely } from 'kysely';
import { ScanRepository, type ScanTables } from './scan.repository';
import { SCHEDULER_CONTEXT, type ScanService } from './scan.service';

/**
 * Starts the runs of scheduled scans when they are due; the platform's scheduler calls `tick` (the discovery
 * module's `discovery.scans` task). A run whose job dies is failed by the job's give-up handler. Safe with several
 * scheduler processes on one PostgreSQL store: a due scan is claimed by a conditional UPDATE of its `next_run_at`
 * (from the value seen to the next due time), which exactly one of them wins, and the run is written and enqueued
 * in the same transaction as the claim. A scan whose previous run is still going skips this turn.
 */
export class ScanScheduler {
  private readonly repo: ScanRepository;

  constructor(
    private readonly db: Kysely<ScanTables>,
    private readonly scans: ScanService,
  ) {
    this.repo = new ScanRepository(db);
  }

  /** One pass: starts every due scan it wins. Returns how many runs it started. */
  async tick(now = Date.now()): Promise<number> {
    let started = 0;
    for (const scan of await this.repo.due(now, 100)) {
      const seen = scan.next_run_at as number;
      const interval = (scan.interval_minutes ?? 60) * 60_000;
      // The next due time follows the schedule, but never lies in the past (a scheduler that was down catches up once).
      let next = seen + interval;
      if (next <= now) next = now + interval;
      const id = await this.db.transaction().execute(async (trx) => {
        if (!(await this.repo.claimDue(trx, scan.id, seen, next))) return null;
        return this.scans.enqueueRun(trx, scan, SCHEDULER_CONTEXT);
      });
      if (id !== null) started++;
    }
    return started;
  }
}
