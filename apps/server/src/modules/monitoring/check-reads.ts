import type { CheckResult, CheckState, CheckStateChange, CheckUptime, CheckUptimeQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../platform/db/database';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { problems } from '../../platform/http/problem';
import type { CheckRepository } from './check.repository';
import type { MonitoringTables } from './monitoring.tables';
import { RESULT_RING_SIZE } from './state/check-recorder';
import { dailyUptime, lastDaysFrom, type StateChangeAt, UPTIME_PERIODS, uptimeOver } from './state/uptime';

/** A check as alert rules over check states see it. */
export interface CurrentCheckState {
  checkId: string;
  name: string;
  type: string;
  target: string;
  cis: Array<{ id: string; name: string }>;
  state: CheckState;
  since: number;
  /** When it last ran; null before its first run. */
  lastRunAt: number | null;
  intervalMs: number;
}

/** What a check's runs left: its last results (the ring), its state changes and its uptime, exact from the history. */
export class CheckReads {
  constructor(
    private readonly db: Kysely<MonitoringTables>,
    private readonly repo: CheckRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Every enabled check's current state with what identifies it (for alert rules over check states): its id, name,
   * type and target, the CIs it watches (with their names), its state and since when. Checks never run yet are
   * `unknown` since they were created.
   */
  async currentStates(): Promise<CurrentCheckState[]> {
    const rows = await this.db
      .selectFrom('checks')
      .leftJoin('check_states', 'check_states.check_id', 'checks.id')
      .select([
        'checks.id',
        'checks.name',
        'checks.type',
        'checks.target',
        'checks.interval_ms',
        'checks.created_at',
        'check_states.state',
        'check_states.since',
        'check_states.last_run_at',
      ])
      .where('checks.enabled', '=', 1)
      .execute();
    const links = await this.db
      .selectFrom('check_cis')
      .innerJoin('cis', 'cis.id', 'check_cis.ci_id')
      .select(['check_cis.check_id', 'check_cis.ci_id', 'cis.name'])
      .orderBy('cis.name')
      .execute();
    const cis = new Map<string, Array<{ id: string; name: string }>>();
    for (const l of links) {
      const list = cis.get(l.check_id) ?? [];
      list.push({ id: l.ci_id, name: l.name });
      cis.set(l.check_id, list);
    }
    return rows.map((r) => ({
      checkId: r.id,
      name: r.name,
      type: r.type,
      target: r.target,
      cis: cis.get(r.id) ?? [],
      state: (r.state ?? 'unknown') as CheckState,
      since: Number(r.since ?? r.created_at),
      lastRunAt: r.last_run_at === null || r.last_run_at === undefined ? null : Number(r.last_run_at),
      intervalMs: Number(r.interval_ms),
    }));
  }

  /**
   * The state changes of many checks over `[from, to)`, each list starting with the last change before `from` (the
   * state the span starts in), in time order: what {@link dailyUptime} takes. Two statements whatever the number of
   * checks; checks without history are absent.
   */
  async stateChangesOf(checkIds: readonly string[], from: number, to: number): Promise<Map<string, StateChangeAt[]>> {
    const out = new Map<string, StateChangeAt[]>();
    // Guard against running an invalid `in ()` when there is nothing to read.
    if (checkIds.length === 0) return out;
    const ids = [...new Set(checkIds)];
    const before = await this.db
      .selectFrom('check_state_history as h')
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('check_state_history')
            .select(['check_id', (e) => e.fn.max('at').as('at')])
            .where('check_id', 'in', ids)
            .where('at', '<', from)
            .groupBy('check_id')
            .as('last'),
        (join) => join.onRef('last.check_id', '=', 'h.check_id').onRef('last.at', '=', 'h.at'),
      )
      .select(['h.check_id', 'h.at', 'h.state', 'h.id'])
      .orderBy('h.id')
      .execute();
    const within = await this.db
      .selectFrom('check_state_history')
      .select(['check_id', 'at', 'state'])
      .where('check_id', 'in', ids)
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .orderBy('id')
      .execute();
    // Two changes at the same last moment before the span: the later id wins, as the history orders them.
    for (const r of before) out.set(r.check_id, [{ at: Number(r.at), state: r.state as CheckState }]);
    for (const r of within) {
      const list = out.get(r.check_id) ?? [];
      list.push({ at: Number(r.at), state: r.state as CheckState });
      out.set(r.check_id, list);
    }
    return out;
  }

  /** The last results, newest first. */
  async results(id: string, limit: number): Promise<CheckResult[]> {
    await this.exists(id);
    const rows = await this.db
      .selectFrom('check_results')
      .selectAll()
      .where('check_id', '=', id)
      .orderBy('at', 'desc')
      .limit(Math.min(limit, RESULT_RING_SIZE))
      .execute();
    return rows.map((r) => ({
      at: Number(r.at),
      status: r.status as CheckResult['status'],
      durationMs: Number(r.duration_ms),
      message: r.message,
      conditions: readJson(r.conditions),
      details: readJson(r.details),
    }));
  }

  /** State changes, newest first, keyset-paginated. */
  async history(id: string, query: { limit?: number; cursor?: string }): Promise<{ items: CheckStateChange[]; nextCursor: string | null }> {
    await this.exists(id);
    const limit = query.limit ?? 50;
    let q = this.db.selectFrom('check_state_history').selectAll().where('check_id', '=', id);
    if (query.cursor !== undefined) {
      const [at, historyId] = decodeCursor(query.cursor, 2);
      q = q.where((eb) => eb.or([eb('at', '<', Number(at)), eb.and([eb('at', '=', Number(at)), eb('id', '<', String(historyId))])]));
    }
    const rows = await q
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = toPage(rows, limit, (r) => [Number(r.at), r.id]);
    return {
      items: page.items.map((r) => ({
        at: Number(r.at),
        state: r.state as CheckState,
        previous: r.previous as CheckState | null,
        message: r.message,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Uptime over the standard periods ending now, or over `from`–`to`. */
  async uptime(id: string, query: CheckUptimeQuery): Promise<CheckUptime> {
    await this.exists(id);
    const now = this.now();
    if ((query.from === undefined) !== (query.to === undefined)) {
      throw problems.validation('Give both from and to, or neither.', [
        { path: query.from === undefined ? 'from' : 'to', message: 'is required with the other' },
      ]);
    }
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      throw problems.validation('from must be before to.', [{ path: 'from', message: 'must be before to' }]);
    }
    const periods =
      query.from !== undefined && query.to !== undefined
        ? [{ label: 'custom', from: query.from, to: query.to }]
        : UPTIME_PERIODS.map((p) => ({ label: p.label, from: now - p.ms, to: now }));
    const earliest = Math.min(...periods.map((p) => p.from));
    const latest = Math.max(...periods.map((p) => p.to));
    const before = await this.db
      .selectFrom('check_state_history')
      .select(['at', 'state'])
      .where('check_id', '=', id)
      .where('at', '<', earliest)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    const within = await this.db
      .selectFrom('check_state_history')
      .select(['at', 'state'])
      .where('check_id', '=', id)
      .where('at', '>=', earliest)
      .where('at', '<', latest)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const changes = [...before, ...within].map((r) => ({ at: Number(r.at), state: r.state as CheckState }));
    // The last 90 UTC days, today included (within the 90 d period read above), or the custom period's days.
    const custom = periods[0]?.label === 'custom' ? periods[0] : undefined;
    const days = custom ? dailyUptime(changes, custom.from, custom.to) : dailyUptime(changes, lastDaysFrom(now, 90), now);
    return { periods: periods.map((p) => uptimeOver(changes, p.from, p.to, p.label)), days };
  }

  private async exists(id: string): Promise<void> {
    if (!(await this.repo.get(id))) throw problems.notFound('The check');
  }
}
