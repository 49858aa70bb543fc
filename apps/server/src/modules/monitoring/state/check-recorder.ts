import type { CheckSeriesSample } from '@estate/checks';
import type { CheckResult, CheckRunStatus, CheckState, CheckStatus } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../../platform/db/database';
import { publishEvent } from '../../../platform/events';
import { newId } from '../../../platform/ids';
import type { MetricSample } from '../../metrics';
import type { CheckStatesTable, MonitoringTables } from '../monitoring.tables';
import { applyRun, type CheckStateRecord, initialState, type StateTransition } from './check-state';

/** The last results kept per check, in a ring of rows. */
export const RESULT_RING_SIZE = 50;
/** Results written per transaction. */
const SLICE = 250;
/** Results waiting for the database at most; past it the oldest are dropped (and counted). */
const MAX_PENDING = 100_000;

/** What the recorder needs of a check. */
export interface RecordedCheck {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly intervalMs: number;
  readonly retries: number;
  readonly ciIds: readonly string[];
}

/** Where results go besides the database: the metric store's append. */
export type AppendSamples = (samples: MetricSample[]) => Promise<unknown>;

interface Entry {
  record: CheckStateRecord;
  lastRunAt: number | null;
  lastStatus: CheckRunStatus | null;
  lastDurationMs: number | null;
  lastMessage: string | null;
  /** Results recorded ever: the ring slot of the next one. */
  results: number;
}

interface Pending {
  check: RecordedCheck;
  result: CheckResult;
  series: readonly CheckSeriesSample[] | undefined;
  slot: number;
  transition: StateTransition | null;
  entry: Entry;
}

/**
 * Records the results of check runs. Each result moves its check's state machine in memory at once (so the answer
 * of "run now" and the next run see it), and is written with others in one transaction per flush: the check's
 * state row, its slot in the ring of last results, and for a state change a history row and a
 * `check.state.changed` event in the outbox, in the same transaction. After the commit, `estate_check_up` and
 * `estate_check_duration_seconds` go to the metric store. A flush that fails keeps its results for the next one.
 * The state of a check not seen since this process started is read from the database on its first result.
 */
export class CheckRecorder {
  private readonly entries = new Map<string, Entry>();
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Results being applied (their check's state is being read): a flush waits for them. */
  private readonly recording = new Set<Promise<unknown>>();
  /** Results dropped because the database fell too far behind. */
  dropped = 0;

  constructor(
    private readonly db: Kysely<MonitoringTables>,
    private readonly appendSamples: AppendSamples | undefined,
    /** The clock of `check_states.updated_at`: when a row was written, which the live feed polls by. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Lets go of these checks' state, keeping results not yet written (another process runs them now): a result
   * recorded here later reads the state from the database again.
   */
  release(checkIds: Iterable<string>): void {
    for (const id of checkIds) this.entries.delete(id);
  }

  /**
   * Makes the next result of each of these checks start from the state in the database: for results that may arrive
   * at any process (push pings, agent and collector reports, and the sweeps that judge them late), where another
   * process may have recorded one since this one cached the check's state. This process's own unwritten results for
   * them are written first, so nothing it recorded is read back stale. (Two processes recording the same check within
   * the same few milliseconds can still each start from the same state: the later write wins.)
   */
  async refresh(checkIds: Iterable<string>): Promise<void> {
    const ids = new Set(checkIds);
    if (ids.size === 0) return;
    if (this.pending.some((p) => ids.has(p.check.id)) || this.recording.size > 0) await this.flush();
    for (const id of ids) this.entries.delete(id);
  }

  /** How many results wait for the next flush. */
  get backlog(): number {
    return this.pending.length;
  }

  /**
   * Applies a run's result to its check's state and queues it with the series the run measured; answers the check's
   * status after it.
   */
  record(check: RecordedCheck, result: CheckResult, series?: readonly CheckSeriesSample[]): Promise<CheckStatus> {
    const recording = this.apply(check, result, series);
    this.recording.add(recording);
    const done = () => this.recording.delete(recording);
    recording.then(done, done);
    return recording;
  }

  private async apply(check: RecordedCheck, result: CheckResult, series: readonly CheckSeriesSample[] | undefined): Promise<CheckStatus> {
    const entry = this.entries.get(check.id) ?? (await this.load(check.id));
    const applied = applyRun(entry.record, { status: result.status, at: result.at, message: result.message }, check);
    const slot = entry.results % RESULT_RING_SIZE;
    const next: Entry = {
      record: applied.record,
      lastRunAt: result.at,
      lastStatus: result.status,
      lastDurationMs: result.durationMs,
      lastMessage: result.message,
      results: entry.results + 1,
    };
    this.entries.set(check.id, next);
    this.pending.push({ check, result, series, slot, transition: applied.transition, entry: next });
    if (this.pending.length > MAX_PENDING) {
      const over = this.pending.length - MAX_PENDING;
      this.pending.splice(0, over);
      this.dropped += over;
    }
    return statusOf(next);
  }

  /** Forgets a deleted check's state (its rows go with the check). */
  forget(checkId: string): void {
    this.entries.delete(checkId);
    this.pending = this.pending.filter((p) => p.check.id !== checkId);
  }

  /** Writes every result recorded so far; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= Promise.allSettled([...this.recording])
      .then(() => this.writePending())
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /**
   * Writes the queued results in slices of {@link SLICE} results, one transaction each, letting other work run
   * between them: on SQLite a transaction holds the event loop while it runs, and the scheduler must not wait a
   * whole second's results for its next slot.
   */
  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    for (let from = 0; from < batch.length; from += SLICE) {
      try {
        await this.writeSlice(batch.slice(from, from + SLICE));
      } catch (err) {
        // Kept, in order, ahead of what came since: the next flush tries again.
        this.pending = [...batch.slice(from), ...this.pending];
        throw err;
      }
      if (from + SLICE < batch.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async writeSlice(batch: Pending[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const writtenAt = this.now();
      const states = new Map<string, Pending>();
      for (const p of batch) states.set(p.check.id, p);
      // Checks deleted while their results waited: their rows would violate the foreign keys.
      const existing = new Set(
        (
          await trx
            .selectFrom('checks')
            .select('id')
            .where('id', 'in', [...states.keys()])
            .execute()
        ).map((r) => r.id),
      );
      const live = batch.filter((p) => existing.has(p.check.id));
      for (const chunk of chunks(
        [...states.values()].filter((p) => existing.has(p.check.id)),
        200,
      )) {
        await trx
          .insertInto('check_states')
          .values(chunk.map((p) => stateRow(p.check.id, p.entry, writtenAt)))
          .onConflict((oc) =>
            oc.column('check_id').doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              since: eb.ref('excluded.since'),
              last_run_at: eb.ref('excluded.last_run_at'),
              last_status: eb.ref('excluded.last_status'),
              last_duration_ms: eb.ref('excluded.last_duration_ms'),
              last_message: eb.ref('excluded.last_message'),
              consecutive_failures: eb.ref('excluded.consecutive_failures'),
              flapping: eb.ref('excluded.flapping'),
              changes: eb.ref('excluded.changes'),
              results: eb.ref('excluded.results'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      // A ring slot written twice in one batch (more results than the ring between flushes): the last one wins.
      const slots = new Map<string, Pending>();
      for (const p of live) slots.set(`${p.check.id} ${p.slot}`, p);
      for (const chunk of chunks([...slots.values()], 200)) {
        await trx
          .insertInto('check_results')
          .values(
            chunk.map((p) => ({
              check_id: p.check.id,
              slot: p.slot,
              at: p.result.at,
              status: p.result.status,
              duration_ms: p.result.durationMs,
              message: p.result.message,
              conditions: JSON.stringify(p.result.conditions),
              details: JSON.stringify(p.result.details),
            })),
          )
          .onConflict((oc) =>
            oc.columns(['check_id', 'slot']).doUpdateSet((eb) => ({
              at: eb.ref('excluded.at'),
              status: eb.ref('excluded.status'),
              duration_ms: eb.ref('excluded.duration_ms'),
              message: eb.ref('excluded.message'),
              conditions: eb.ref('excluded.conditions'),
              details: eb.ref('excluded.details'),
            })),
          )
          .execute();
      }
      for (const p of live) {
        if (!p.transition) continue;
        const t = p.transition;
        await trx
          .insertInto('check_state_history')
          .values({ id: newId(t.at), check_id: p.check.id, at: t.at, state: t.state, previous: t.previous, message: t.message })
          .execute();
        await publishEvent(trx, 'check.state.changed', {
          checkId: p.check.id,
          name: p.check.name,
          type: p.check.type,
          state: t.state,
          previous: t.previous,
          at: t.at,
          message: t.message,
          ciIds: [...p.check.ciIds],
          flapping: p.entry.record.flapping,
        });
      }
    });
    if (this.appendSamples) await this.appendSamples(batch.flatMap((p) => samplesOf(p)));
  }

  private async load(checkId: string): Promise<Entry> {
    const row = await this.db.selectFrom('check_states').selectAll().where('check_id', '=', checkId).executeTakeFirst();
    if (!row) return { record: initialState(), lastRunAt: null, lastStatus: null, lastDurationMs: null, lastMessage: null, results: 0 };
    return entryOf(row);
  }
}

/** The status the API shows for a state row, or for a check that never ran. */
export function statusOfRow(row: CheckStatesTable | undefined): CheckStatus {
  return row
    ? statusOf(entryOf(row))
    : statusOf({ record: initialState(), lastRunAt: null, lastStatus: null, lastDurationMs: null, lastMessage: null, results: 0 });
}

function entryOf(row: CheckStatesTable): Entry {
  return {
    record: {
      state: row.state as CheckState,
      since: row.since === null ? null : Number(row.since),
      consecutiveFailures: row.consecutive_failures,
      flapping: Boolean(row.flapping),
      changes: readJson<number[]>(row.changes).map(Number),
    },
    lastRunAt: row.last_run_at === null ? null : Number(row.last_run_at),
    lastStatus: row.last_status as CheckRunStatus | null,
    lastDurationMs: row.last_duration_ms === null ? null : Number(row.last_duration_ms),
    lastMessage: row.last_message,
    results: Number(row.results),
  };
}

function statusOf(entry: Entry): CheckStatus {
  return {
    state: entry.record.state,
    since: entry.record.since,
    lastRunAt: entry.lastRunAt,
    lastDurationMs: entry.lastDurationMs,
    lastMessage: entry.lastMessage,
    consecutiveFailures: entry.record.consecutiveFailures,
    flapping: entry.record.flapping,
  };
}

function stateRow(checkId: string, entry: Entry, writtenAt: number): CheckStatesTable {
  return {
    check_id: checkId,
    state: entry.record.state,
    since: entry.record.since,
    last_run_at: entry.lastRunAt,
    last_status: entry.lastStatus,
    last_duration_ms: entry.lastDurationMs,
    last_message: entry.lastMessage,
    consecutive_failures: entry.record.consecutiveFailures,
    flapping: entry.record.flapping ? 1 : 0,
    changes: JSON.stringify(entry.record.changes),
    results: entry.results,
    updated_at: writtenAt,
  };
}

const UP_VALUE: Record<CheckRunStatus, number> = { up: 1, degraded: 1, down: 0, unknown: Number.NaN };

/**
 * `estate_check_up` (1 up or degraded, 0 down; an unknown run writes no sample), the run's duration, and the series
 * the run measured, with the check's id and name (a series' own labels cannot replace them).
 */
function samplesOf({ check, result, series }: Pending): MetricSample[] {
  const labels = { check_id: check.id, check_name: check.name, check_type: check.type, job: 'estate-checks' };
  const samples: MetricSample[] = [
    { labels: { __name__: 'estate_check_duration_seconds', ...labels }, t: result.at, v: result.durationMs / 1000 },
  ];
  const up = UP_VALUE[result.status];
  if (!Number.isNaN(up)) samples.push({ labels: { __name__: 'estate_check_up', ...labels }, t: result.at, v: up });
  for (const s of series ?? []) {
    const own = { ...s.labels, __name__: s.name, check_id: check.id, check_name: check.name };
    samples.push({ labels: own, t: s.t ?? result.at, v: s.value });
  }
  return samples;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
