import type { CheckTypeRegistry, JudgedOutcome } from '@estate/checks';
import { type CheckResult, isAgentCheckType } from '@estate/contract';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { CheckRepository, CheckRow } from './check.repository';
import { type RunnableCheck, resultOf, runnableOf } from './check-definition';
import type { CheckRun } from './scheduler/check-run';
import { CheckScheduler, type CheckSchedulerOptions } from './scheduler/check-scheduler';
import type { SchedulerClock } from './scheduler/scheduler-clock';
import { type ShardLeases, shardOf } from './shards/shard-leases';
import type { CheckRecorder } from './state/check-recorder';

/** What a check runner is built from. */
export interface CheckRunnerOptions {
  repo: CheckRepository;
  registry: CheckTypeRegistry;
  secretBox: SecretBox;
  recorder: CheckRecorder;
  logger: { warn(obj: object, msg: string): void };
  clock?: SchedulerClock;
  /** How often changed checks are read from the database (default 5 s): other processes' changes arrive so. */
  pollEveryMs?: number;
  /** How often recorded results are written (default 1 s). */
  flushEveryMs?: number;
  /** How often every check is compared with the database, to drop those deleted elsewhere (default 1 min). */
  fullSyncEveryMs?: number;
  /** Looks for push checks whose ping is late; run every `pushSweepEveryMs` (default 10 s). */
  sweepPush?: () => Promise<number>;
  pushSweepEveryMs?: number;
  /** This process's share of the checks when several workers run them; absent: every check runs here. */
  shards?: ShardLeases;
  scheduler?: Pick<CheckSchedulerOptions<RunnableCheck, JudgedOutcome>, 'concurrency' | 'perTargetConcurrency' | 'resolutionMs'>;
}

/** What the runner does with a check it could not prepare: its state says why, once per version. */
const NOT_PREPARED = 'The check cannot run as saved';

/**
 * Runs the enabled checks on their intervals in this process: one {@link CheckScheduler} for all of them, fed
 * from the checks table (at start, then by polling changes, and at once for changes made in this process), its
 * results recorded by the {@link CheckRecorder} and written once a second. A check whose saved configuration its
 * type now refuses is not scheduled; its state becomes unknown with the reason.
 */
export class CheckRunner {
  private readonly scheduler: CheckScheduler<RunnableCheck, JudgedOutcome>;
  /** Scheduled checks' versions, by id. */
  private readonly versions = new Map<string, number>();
  private readonly clock: SchedulerClock;
  private watermark = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: CheckRunnerOptions) {
    this.clock = options.clock ?? {
      now: () => Date.now(),
      monotonic: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    this.scheduler = new CheckScheduler<RunnableCheck, JudgedOutcome>({
      executor: (check, signal) => check.prepared.run(signal),
      onResult: (run) => this.onResult(run),
      clock: this.clock,
      logger: options.logger,
      ...options.scheduler,
    });
  }

  /** How many checks are scheduled. */
  get size(): number {
    return this.scheduler.size;
  }

  /** How many shards of the checks this process holds (0 without shards). */
  get shardsHeld(): number {
    return this.options.shards?.owned().length ?? 0;
  }

  /** The scheduler's record of how far behind it is. */
  behind() {
    return this.scheduler.behind();
  }

  /** Reads every check (of its shards) and starts running them; then keeps in step with the table. */
  async start(): Promise<void> {
    const shards = this.options.shards;
    // With shards, the first share's `gained` reads the checks.
    if (shards) await shards.start({ gained: () => this.resync(), lost: (lost) => this.loseShards(lost) });
    else await this.sync(() => this.syncAll());
    const every = (ms: number, fn: () => Promise<void>) => {
      const timer = setInterval(() => {
        fn().catch((err) => this.options.logger.warn({ err }, 'monitoring: background work failed; retrying'));
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.flushEveryMs ?? 1_000, () => this.options.recorder.flush());
    every(this.options.pollEveryMs ?? 5_000, () => this.sync(() => this.syncChanged()));
    every(this.options.fullSyncEveryMs ?? 60_000, () => this.sync(() => this.syncAll()));
    const sweepPush = this.options.sweepPush;
    // One worker looks for late pings: the holder of the first shard.
    const sweeps = () => !shards || shards.owned()[0] === 0;
    if (sweepPush) every(this.options.pushSweepEveryMs ?? 10_000, async () => void (sweeps() && (await sweepPush())));
  }

  /** Compares every check with the database now (what the periodic full sync does). */
  resync(): Promise<void> {
    return this.sync(() => this.syncAll());
  }

  /** Reads the checks changed since the last poll now (what the periodic poll does). */
  poll(): Promise<void> {
    return this.sync(() => this.syncChanged());
  }

  /**
   * Checks were created, changed or deleted in this process: picks them up now, in one read, rather than at the next
   * poll.
   */
  changed(checkIds: readonly string[]): Promise<void> {
    return this.sync(async () => {
      const rows = await this.options.repo.getMany(checkIds);
      for (const row of rows) this.apply(row);
      const found = new Set(rows.map((r) => r.id));
      for (const id of checkIds) if (!found.has(id)) this.drop(id);
    }).catch((err) => this.options.logger.warn({ err, checks: checkIds.length }, 'monitoring: could not pick up changed checks'));
  }

  /** Stops scheduling, lets runs under way end (aborting them), and writes what was recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.scheduler.stop();
    await this.syncing.catch(() => undefined);
    await this.options.shards?.stop();
    await this.options.recorder.flush();
  }

  /** Runs syncs one after another, never two at once. */
  private sync(work: () => Promise<void>): Promise<void> {
    const next = this.syncing.catch(() => undefined).then(() => (this.stopped ? undefined : work()));
    this.syncing = next;
    return next;
  }

  private async syncAll(): Promise<void> {
    const startedAt = this.clock.now();
    const rows = await this.options.repo.all();
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.id);
      this.apply(row);
    }
    for (const id of [...this.versions.keys()]) if (!present.has(id)) this.drop(id);
    this.watermark = Math.max(this.watermark, startedAt - 1_000);
  }

  private async syncChanged(): Promise<void> {
    const startedAt = this.clock.now();
    // A second of overlap: a change committed in the same millisecond as the last poll is read again, not missed.
    for (const row of await this.options.repo.changedSince(this.watermark)) this.apply(row);
    this.watermark = Math.max(this.watermark, startedAt - 1_000);
  }

  /** Stops running the checks of shards another worker takes, and writes their results before it does. */
  private async loseShards(shards: readonly number[]): Promise<void> {
    const lost = new Set(shards);
    const count = this.options.shards?.count ?? 0;
    const ids = [...this.versions.keys()].filter((id) => lost.has(shardOf(id, count)));
    for (const id of ids) this.drop(id);
    try {
      await this.options.recorder.flush();
    } finally {
      this.options.recorder.release(ids);
    }
  }

  private apply(row: CheckRow): void {
    if (this.options.shards && !this.options.shards.owns(row.id)) {
      this.drop(row.id);
      return;
    }
    if (this.versions.get(row.id) === row.version) return;
    // Push checks are never run: they wait for pings, and the push sweep watches their deadlines. Checks assigned to
    // a host agent run there; the agent-check service watches that their results keep coming.
    if (!row.enabled || row.type === 'push' || row.agent_id !== null || isAgentCheckType(row.type)) {
      this.drop(row.id);
      this.versions.set(row.id, row.version);
      return;
    }
    let runnable: RunnableCheck;
    try {
      runnable = runnableOf(row, this.options.registry, this.options.secretBox);
    } catch (err) {
      this.drop(row.id);
      this.versions.set(row.id, row.version);
      this.recordUnprepared(row, `${NOT_PREPARED}: ${(err as Error).message}`);
      return;
    }
    this.scheduler.set(runnable);
    this.versions.set(row.id, row.version);
  }

  private drop(id: string): void {
    this.scheduler.remove(id);
    this.versions.delete(id);
  }

  private recordUnprepared(row: CheckRow, message: string): void {
    const check = {
      id: row.id,
      name: row.name,
      type: row.type,
      intervalMs: Number(row.interval_ms),
      retries: 0,
      ciIds: row.ci_ids,
    };
    const result: CheckResult = { at: this.clock.now(), status: 'unknown', durationMs: 0, message, conditions: [], details: {} };
    this.options.recorder.record(check, result).catch((err) => this.options.logger.warn({ err }, 'monitoring: could not record a result'));
  }

  private onResult(run: CheckRun<RunnableCheck, JudgedOutcome>): void {
    const { check, outcome } = run;
    let result: CheckResult;
    if (outcome.kind === 'completed') result = resultOf(outcome.result, run.startedAt);
    else if (outcome.kind === 'timeout') {
      result = {
        at: run.startedAt,
        status: 'down',
        durationMs: run.finishedAt - run.startedAt,
        message: `Timed out after ${outcome.timeoutMs / 1000} s`,
        conditions: [],
        details: {},
      };
    } else {
      result = {
        at: run.startedAt,
        status: 'unknown',
        durationMs: run.finishedAt - run.startedAt,
        message: `The check could not run: ${(outcome.error as Error)?.message ?? String(outcome.error)}`,
        conditions: [],
        details: {},
      };
    }
    const series = outcome.kind === 'completed' ? outcome.result.series : undefined;
    this.options.recorder
      .record(check, result, series)
      .catch((err) => this.options.logger.warn({ err, checkId: check.id }, 'monitoring: could not record a result'));
  }
}
