import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { newId } from '../ids';

/** Row shape of the `schedules` table (migration 0015). Times are epoch milliseconds. */
export interface SchedulesTable {
  name: string;
  next_run_at: number;
  last_run_at: number | null;
  last_run_by: string | null;
  last_error: string | null;
}

/** The tables the scheduler reads and writes. */
export interface SchedulerTables {
  schedules: SchedulesTable;
}

/** Where the scheduler reports a failed task; pino's logger fits. */
export interface SchedulerLogger {
  warn(obj: object, msg: string): void;
}

/** Periodic work a module hands the scheduler: `run` is called about every `everyMs`, in one process at a time. */
export interface ScheduledTask {
  /** Unique across the product, `<module>.<task>`: it keys the claim shared by every process. */
  name: string;
  everyMs: number;
  /**
   * The work. It should be idempotent and bounded: a process that dies mid-run leaves the period spent, and the task
   * runs again at the next one. A thrown error is logged and recorded; the task still runs next period.
   */
  run(now: number): Promise<unknown>;
}

/** What a module's `schedules` part is handed: it only adds tasks. */
export interface ScheduleRegistry {
  every(name: string, everyMs: number, run: (now: number) => Promise<unknown>): void;
}

/** Options of a scheduler; the clock and the process name are for tests. */
export interface SchedulerOptions {
  logger?: SchedulerLogger;
  /** How often due tasks are looked for, in ms (default 5 s). */
  tickMs?: number;
  /** The time source, epoch milliseconds. */
  now?: () => number;
  /** Names this process in `last_run_by` (default a fresh id). */
  processName?: string;
}

/**
 * The one scheduler of periodic work (housekeeping, scheduled scans, sweeps). Each task's next due time lives in the
 * `schedules` table; a process runs a due task only after it moved that time forward with a conditional update
 * (`where next_run_at <= now`), so each period runs once across all processes sharing a PostgreSQL store — the
 * claim is the row update, no lock is held while the task runs. A new task is due at once. Tasks run one after
 * another within a tick, so a slow task delays the others of this process but never overlaps itself here.
 */
export class Scheduler implements ScheduleRegistry {
  private readonly tasks = new Map<string, ScheduledTask>();
  /** Tasks whose row this process has made sure exists, so a tick costs one statement per task, not two. */
  private readonly rowsKnown = new Set<string>();
  private readonly db: Kysely<SchedulerTables>;
  private readonly now: () => number;
  private readonly processName: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    database: Pick<Database, 'db'>,
    private readonly options: SchedulerOptions = {},
  ) {
    this.db = database.db as unknown as Kysely<SchedulerTables>;
    this.now = options.now ?? Date.now;
    this.processName = options.processName ?? newId();
  }

  /** Adds a task; throws when the name is taken or the period is not a positive number of milliseconds. */
  every(name: string, everyMs: number, run: (now: number) => Promise<unknown>): void {
    if (this.tasks.has(name)) throw new Error(`The scheduled task ${name} is registered twice.`);
    if (!Number.isFinite(everyMs) || everyMs <= 0) throw new Error(`The scheduled task ${name} needs a positive period.`);
    this.tasks.set(name, { name, everyMs, run });
  }

  /** The names of the registered tasks, in registration order. */
  names(): string[] {
    return [...this.tasks.keys()];
  }

  /**
   * Runs every task that is due at `now` and that this process claims; answers the names it ran. Errors of a task
   * are logged and stored in its row, never thrown.
   */
  async tick(now = this.now()): Promise<string[]> {
    const ran: string[] = [];
    for (const task of this.tasks.values()) {
      if (!(await this.claim(task, now))) continue;
      ran.push(task.name);
      let error: string | null = null;
      try {
        await task.run(now);
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
        this.options.logger?.warn({ err, task: task.name }, 'scheduled task failed');
      }
      await this.db
        .updateTable('schedules')
        .set({ last_error: error })
        .where('name', '=', task.name)
        .execute()
        .catch(() => undefined);
    }
    return ran;
  }

  /** Starts ticking every `tickMs` (first tick at once). The timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.running = this.running.then(() => this.tick()).catch((err) => this.options.logger?.warn({ err }, 'scheduler tick failed'));
    };
    loop();
    this.timer = setInterval(loop, this.options.tickMs ?? 5_000);
    this.timer.unref();
  }

  /** Stops ticking and waits for a running tick to end. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Moves the task's due time past `now` when it is due; true when this process won that update. */
  private async claim(task: ScheduledTask, now: number): Promise<boolean> {
    if (!this.rowsKnown.has(task.name)) {
      await this.db
        .insertInto('schedules')
        .values({ name: task.name, next_run_at: now, last_run_at: null, last_run_by: null, last_error: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      this.rowsKnown.add(task.name);
    }
    const claimed = await this.db
      .updateTable('schedules')
      .set({ next_run_at: now + task.everyMs, last_run_at: now, last_run_by: this.processName })
      .where('name', '=', task.name)
      .where('next_run_at', '<=', now)
      .returning('name')
      .executeTakeFirst();
    return claimed !== undefined;
  }
}
