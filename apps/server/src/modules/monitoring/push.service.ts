import type { CheckTypeRegistry } from '@estate/checks';
import { describeExpectation, type PushCheckConfig, pushDeadline } from '@estate/checks';
import type { CheckResult } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../platform/db/database';
import { problems } from '../../platform/http/problem';
import { ciIdsByCheck } from './check.repository';
import type { MonitoringTables } from './monitoring.tables';
import type { CheckRecorder, RecordedCheck } from './state/check-recorder';

/** What a ping says: the job started, succeeded, failed, or ended with an exit code. */
export type PingKind = 'success' | 'start' | 'fail' | { exitCode: number };

/** The most characters of a ping's body kept with its result. */
const MAX_BODY_CHARS = 10_000;

interface PushRow {
  id: string;
  name: string;
  type: string;
  enabled: number;
  interval_ms: number;
  config: unknown;
  created_at: number;
  push_started_at: number | null;
  push_run_id: string | null;
  ci_ids: string[];
}

/**
 * Push (heartbeat) checks: pings to `/api/v1/push/{token}` recorded as results (a success up, a failure down, a start
 * remembered to time the run), and the sweep that records a check down when its ping is late — past its period or
 * schedule plus grace, or a started run not finished within the grace. A push check goes down on the first missed
 * ping: its retries do not apply.
 */
export class PushService {
  constructor(
    private readonly db: Kysely<MonitoringTables>,
    private readonly registry: CheckTypeRegistry,
    private readonly recorder: CheckRecorder,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a ping; 404 for an unknown token or a disabled check. Answers once the result is stored. */
  async ping(token: string, kind: PingKind, runId: string | undefined, body: string): Promise<void> {
    const row = await this.byToken(token);
    if (!row?.enabled) throw problems.notFound('The push check');
    const at = this.now();
    if (kind === 'start') {
      await this.db
        .updateTable('checks')
        .set({ push_started_at: at, push_run_id: runId ?? null })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    const failed = kind === 'fail' || (typeof kind === 'object' && kind.exitCode !== 0);
    // The run this ping ends: the open start with the same run id (or any open start when the ping names none).
    const started = row.push_started_at !== null && (runId === undefined || runId === row.push_run_id) ? Number(row.push_started_at) : null;
    if (started !== null) {
      await this.db.updateTable('checks').set({ push_started_at: null, push_run_id: null }).where('id', '=', row.id).execute();
    }
    const text = body.slice(0, MAX_BODY_CHARS);
    const firstLine = text.split('\n', 1)[0]?.trim().slice(0, 200) ?? '';
    const what = typeof kind === 'object' ? `exit code ${kind.exitCode}` : failed ? 'failure reported' : 'ping received';
    const result: CheckResult = {
      at,
      status: failed ? 'down' : 'up',
      durationMs: started === null ? 0 : at - started,
      message: `${what[0]?.toUpperCase()}${what.slice(1)}${firstLine ? `: ${firstLine}` : ''}`,
      conditions: [],
      details: { ...(text ? { body: text } : {}), ...(runId ? { runId } : {}), ...(started !== null ? { startedAt: started } : {}) },
    };
    await this.recorder.refresh([row.id]);
    await this.recorder.record(recorded(row), result);
    await this.recorder.flush();
  }

  /**
   * Records every enabled push check whose ping is late as down, once per missed deadline (the late result moves the
   * deadline on by a period). Answers how many it recorded.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    const rows = await this.db
      .selectFrom('checks')
      .leftJoin('check_states', 'check_states.check_id', 'checks.id')
      .select([
        'checks.id',
        'checks.name',
        'checks.type',
        'checks.enabled',
        'checks.interval_ms',
        'checks.config',
        'checks.created_at',
        'checks.push_started_at',
        'checks.push_run_id',
        'check_states.last_run_at',
      ])
      .where('checks.type', '=', 'push')
      .where('checks.enabled', '=', 1)
      .execute();
    const links = await ciIdsByCheck(
      this.db,
      rows.map((r) => r.id),
    );
    let recorded_ = 0;
    for (const row of rows) {
      let config: PushCheckConfig;
      try {
        config = this.registry.get('push')?.validate(readJson(row.config)) as PushCheckConfig;
      } catch {
        continue;
      }
      const since = row.last_run_at === null ? Number(row.created_at) : Number(row.last_run_at);
      const started = row.push_started_at === null ? null : Number(row.push_started_at);
      const missed = pushDeadline(config, since);
      const unfinished = started === null ? null : started + config.graceMs;
      let message: string | undefined;
      if (unfinished !== null && now > unfinished) {
        message = `Started at ${new Date(started as number).toISOString()} and did not finish within the grace time`;
        await this.db.updateTable('checks').set({ push_started_at: null, push_run_id: null }).where('id', '=', row.id).execute();
      } else if (missed !== null && now > missed) {
        message = `No ping since ${new Date(since).toISOString()}; expected ${describeExpectation(config)}`;
      }
      if (message === undefined) continue;
      const ciIds = links.get(row.id) ?? [];
      await this.recorder.refresh([row.id]);
      await this.recorder.record(recorded({ ...row, ci_ids: ciIds }), {
        at: now,
        status: 'down',
        durationMs: 0,
        message,
        conditions: [],
        details: {},
      });
      recorded_++;
    }
    if (recorded_ > 0) await this.recorder.flush();
    return recorded_;
  }

  private async byToken(token: string): Promise<PushRow | undefined> {
    const row = await this.db
      .selectFrom('checks')
      .selectAll()
      .where('push_token', '=', token)
      .where('type', '=', 'push')
      .executeTakeFirst();
    if (!row) return undefined;
    const cis = await this.db.selectFrom('check_cis').select('ci_id').where('check_id', '=', row.id).execute();
    return { ...row, ci_ids: cis.map((c) => c.ci_id) };
  }
}

function recorded(row: Pick<PushRow, 'id' | 'name' | 'type' | 'interval_ms' | 'ci_ids'>): RecordedCheck {
  return { id: row.id, name: row.name, type: row.type, intervalMs: Number(row.interval_ms), retries: 0, ciIds: row.ci_ids };
}
