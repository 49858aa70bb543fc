import { createHash } from 'node:crypto';
import {
  AGENT_CHECK_TYPES,
  AGENT_CLOCK_SKEW_MS,
  type AgentCheckAck,
  type AgentCheckDefinition,
  type AgentCheckList,
  type AgentCheckReport,
  isAgentCheckType,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../platform/crypto/secret-box';
import { readJson } from '../../platform/db/database';
import { ciIdsByCheck } from './check.repository';
import { unsealSecrets } from './check-definition';
import type { MonitoringTables } from './monitoring.tables';
import type { CheckRecorder, RecordedCheck } from './state/check-recorder';

/** An agent-side check goes unknown when its agent delivered no result for this many of its intervals. */
export const SILENT_INTERVALS = 3;

/**
 * Agent-side checks as their agents see them: the list each agent runs (with a version, so an unchanged list costs
 * one small query and a short answer), the results they deliver (recorded like the server's own runs, stamped with
 * the agent's time; a result not newer than the last one delivered is a resend and is skipped), and the sweep that
 * records a check unknown when its agent has fallen silent.
 */
export class AgentCheckService {
  /** When this process started watching: an agent could not report while the server itself was down. */
  private readonly watchingSince: number;

  constructor(
    private readonly db: Kysely<MonitoringTables>,
    private readonly recorder: CheckRecorder,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {
    this.watchingSince = now();
  }

  /**
   * The enabled checks assigned to `agentId`; `checks` is null when `known` is still the current version. The
   * network checks assigned to it (it runs them as a remote collector) are listed, with their conditions and unsealed
   * secrets, only when the agent asks as a collector; an agent that does not leaves them to go unknown.
   */
  async assigned(agentId: string, known: string | undefined, collector = false): Promise<AgentCheckList> {
    const heads = await this.db
      .selectFrom('checks')
      .select(['id', 'version'])
      .where('agent_id', '=', agentId)
      .where('enabled', '=', 1)
      .where('type', '!=', 'push')
      .$if(!collector, (query) => query.where('type', 'in', AGENT_CHECK_TYPES))
      .orderBy('id')
      .execute();
    const version = createHash('sha256')
      .update(`${collector ? 'collector' : 'host'};${heads.map((h) => `${h.id}:${h.version}`).join(',')}`)
      .digest('hex')
      .slice(0, 32);
    if (known === version) return { version, checks: null };
    const rows =
      heads.length === 0
        ? []
        : await this.db
            .selectFrom('checks')
            .select(['id', 'name', 'type', 'interval_ms', 'timeout_ms', 'config', 'conditions', 'warning_conditions', 'secret', 'version'])
            .where(
              'id',
              'in',
              heads.map((h) => h.id),
            )
            .orderBy('id')
            .execute();
    const checks: AgentCheckDefinition[] = rows.map((r) => {
      const definition: AgentCheckDefinition = {
        id: r.id,
        name: r.name,
        type: r.type,
        intervalSeconds: Number(r.interval_ms) / 1000,
        timeoutSeconds: Number(r.timeout_ms) / 1000,
        config: readJson<Record<string, unknown>>(r.config),
        version: r.version,
      };
      if (isAgentCheckType(r.type)) return definition;
      const secrets = unsealSecrets(this.secretBox, r.id, r.secret);
      return {
        ...definition,
        conditions: readJson<string[]>(r.conditions),
        warningConditions: readJson<string[]>(r.warning_conditions),
        ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
      };
    });
    return { version, checks };
  }

  /**
   * Records an agent's runs in order. A run is skipped (counted as ignored) when its check is not assigned to this
   * agent any more, or when it is not newer than the newest run this check already delivered. Answers once the
   * results are written.
   */
  async report(agentId: string, report: AgentCheckReport): Promise<AgentCheckAck> {
    const ids = [...new Set(report.runs.map((r) => r.checkId))];
    const rows = await this.db
      .selectFrom('checks')
      .select(['id', 'name', 'type', 'interval_ms', 'retries', 'agent_result_at'])
      .where('id', 'in', ids)
      .where('agent_id', '=', agentId)
      .execute();
    const links = await ciIdsByCheck(
      this.db,
      rows.map((r) => r.id),
    );
    const checks = new Map(rows.map((r) => [r.id, { row: r, newest: r.agent_result_at === null ? null : Number(r.agent_result_at) }]));
    // Another API process may have recorded runs of these checks since this one last did.
    await this.recorder.refresh(checks.keys());
    const latest = this.now() + AGENT_CLOCK_SKEW_MS;
    let recorded = 0;
    for (const run of report.runs) {
      const check = checks.get(run.checkId);
      if (!check || (check.newest !== null && run.at <= check.newest) || run.at > latest) continue;
      check.newest = run.at;
      const { series, checkId: _id, ...result } = run;
      await this.recorder.record(recordedOf(check.row, links), { ...result, conditions: result.conditions ?? [] }, series);
      recorded++;
    }
    if (recorded > 0) {
      await this.recorder.flush();
      for (const [id, check] of checks)
        if (check.newest !== null && check.newest !== check.row.agent_result_at)
          await this.db.updateTable('checks').set({ agent_result_at: check.newest }).where('id', '=', id).execute();
    }
    return { recorded, ignored: report.runs.length - recorded };
  }

  /**
   * Records every enabled agent-side check whose agent delivered nothing for {@link SILENT_INTERVALS} of its intervals
   * (counted from this process's start at the earliest: while the server was down no agent could deliver, and a
   * collector's backlog arrives in the first seconds after it is back) as unknown, naming the agent and when it last delivered; once per silent stretch (the unknown result starts the
   * next one). Answers how many it recorded.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    const rows = await this.db
      .selectFrom('checks')
      .innerJoin('agents', 'agents.id', 'checks.agent_id')
      .leftJoin('check_states', 'check_states.check_id', 'checks.id')
      .select([
        'checks.id',
        'checks.name',
        'checks.type',
        'checks.interval_ms',
        'checks.retries',
        'checks.agent_result_at',
        'checks.updated_at',
        'agents.hostname',
        'check_states.last_run_at',
      ])
      .where('checks.enabled', '=', 1)
      .execute();
    const silent = rows.filter((r) => {
      const since = Math.max(Number(r.agent_result_at ?? 0), Number(r.last_run_at ?? 0), Number(r.updated_at), this.watchingSince);
      return now - since > SILENT_INTERVALS * Number(r.interval_ms);
    });
    if (silent.length === 0) return 0;
    const links = await ciIdsByCheck(
      this.db,
      silent.map((r) => r.id),
    );
    await this.recorder.refresh(silent.map((r) => r.id));
    for (const row of silent) {
      const last = row.agent_result_at === null ? 'it was assigned the check' : new Date(Number(row.agent_result_at)).toISOString();
      await this.recorder.record(recordedOf(row, links), {
        at: now,
        status: 'unknown',
        durationMs: 0,
        message: `Agent ${row.hostname} has not reported this check since ${last}`,
        conditions: [],
        details: {},
      });
    }
    await this.recorder.flush();
    return silent.length;
  }
}

function recordedOf(
  row: { id: string; name: string; type: string; interval_ms: number; retries: number },
  links: ReadonlyMap<string, string[]>,
): RecordedCheck {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    intervalMs: Number(row.interval_ms),
    retries: row.retries,
    ciIds: links.get(row.id) ?? [],
  };
}
