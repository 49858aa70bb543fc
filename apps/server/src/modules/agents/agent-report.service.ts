import { createHash } from 'node:crypto';
import {
  type AgentCheckAck,
  type AgentCheckList,
  type AgentCheckReport,
  type AgentConfig,
  type AgentIntervals,
  AgentProblemType,
  applyMergePatch,
  canonicalJson,
  HostSnapshot,
  type InventoryAck,
  type InventoryReport,
  type MetricsAck,
  type MetricsReport,
} from '@estate/contract';
import { Ajv } from 'ajv';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../platform/audit/audit-log';
import { isUniqueViolation } from '../../platform/db/db-errors';
import { HttpProblem, problems } from '../../platform/http/problem';
import { toFieldErrors } from '../../platform/http/validation';
import type { AgentRepository, AgentSummaryRow } from './agent.repository';
import type { AgentTables } from './agents.tables';
import { type HostObservation, observeHost } from './host-observation';

/**
 * Matches a host observation to one CI (creating or updating it, with history and audit) inside the caller's
 * transaction, and answers that CI's id. The discovery module's identity reconciliation, as the agents module sees it.
 */
export type HostReconciler = (
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
  trx: Kysely<any>,
  observation: HostObservation,
  ctx: ActionContext,
) => Promise<{ ciId: string }>;

/**
 * Stores a report's metric samples inside the report's transaction and answers how many were new; each (agent,
 * series, time) is stored once. The metrics module's sink, as the agents module sees it.
 */
export type SampleWriter = (
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
  trx: Kysely<any>,
  agent: { agentId: string; instance: string; ciId: string | null },
  series: MetricsReport['series'],
) => Promise<number>;

/**
 * Agent-side and collector checks as the agents module sees them: the checks assigned to an agent (with a version; `checks` null when
 * `known` is still current) and the recording of the runs it reports. The monitoring module's agent-check service.
 */
export interface AgentCheckChannel {
  /** `collector`: the agent runs network checks too (started with `--collector`). */
  assigned(agentId: string, known: string | undefined, collector?: boolean): Promise<AgentCheckList>;
  report(agentId: string, report: AgentCheckReport): Promise<AgentCheckAck>;
}

/** Most points one metrics report may carry, across all its series. */
export const MAX_POINTS_PER_REPORT = 100_000;

const validateSnapshot = new Ajv({ allErrors: true, strict: false }).compile(HostSnapshot);

/**
 * What a verified agent reports: its configuration request (the heartbeat), inventory snapshots and metric batches.
 * Each report is applied in one transaction with its idempotency receipt, so a report is applied entirely or not
 * at all, and a retry with the same `Idempotency-Key` is answered with the first answer without being applied again
 * (also when two copies race: the loser's transaction rolls back on the receipt's key and it answers the winner's).
 */
export class AgentReportService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly reconcile: HostReconciler,
    private readonly writeSamples: SampleWriter,
    private readonly intervals: AgentIntervals,
    /** Called when a metrics report's transaction rolled back after its samples were written in it. */
    private readonly samplesRolledBack: () => void = () => {},
  ) {}

  /** What the agent should do now; a pending agent learns it must wait. */
  config(agent: AgentSummaryRow): AgentConfig {
    return { agentId: agent.id, status: agent.status as AgentConfig['status'], intervals: this.intervals, serverTime: Date.now() };
  }

  /**
   * Applies an inventory report, whose shape (full or delta) the route checked against the contract's union: a full
   * snapshot, or a merge patch on the snapshot the server holds (409 `snapshot-mismatch` when `baseHash` is not that
   * one). The resulting snapshot must fit HostSnapshot and hash to `hash` (400 otherwise, nothing stored). The
   * snapshot is then observed as a host and reconciled to one CI, which the agent is bound to.
   */
  inventory(
    agent: AgentSummaryRow,
    idempotencyKey: string | undefined,
    report: InventoryReport,
    ctx: ActionContext,
  ): Promise<InventoryAck> {
    return this.once(agent.id, idempotencyKey && `inventory:${idempotencyKey}`, (trx) => this.applyInventory(trx, agent.id, report, ctx));
  }

  /** Stores a metrics batch; each (series, time) is stored once, so a resent batch adds nothing. */
  metrics(agent: AgentSummaryRow, idempotencyKey: string | undefined, report: MetricsReport): Promise<MetricsAck> {
    const points = report.series.reduce((n, s) => n + s.points.length, 0);
    if (points > MAX_POINTS_PER_REPORT) {
      throw problems.validation(`A metrics report may carry at most ${MAX_POINTS_PER_REPORT} points; this one has ${points}.`, [
        { path: 'body/series', message: 'too many points' },
      ]);
    }
    return this.once(
      agent.id,
      idempotencyKey && `metrics:${idempotencyKey}`,
      async (trx) => {
        const accepted = await this.writeSamples(trx, { agentId: agent.id, instance: agent.hostname, ciId: agent.ci_id }, report.series);
        if (report.dropped !== undefined) await this.agents.setDropped(trx, agent.id, report.dropped);
        return { accepted };
      },
      // The store may hold the samples in memory already; they must not outlive the report that did not commit.
      this.samplesRolledBack,
    );
  }

  private async applyInventory(
    trx: Kysely<AgentTables>,
    agentId: string,
    report: InventoryReport,
    ctx: ActionContext,
  ): Promise<InventoryAck> {
    const row = await this.agents.withSnapshotForUpdate(trx, agentId);
    if (!row) throw problems.notFound('The agent');
    let next: unknown;
    if (report.kind === 'full') next = report.snapshot;
    else {
      if (row.snapshot === null || row.snapshot_hash !== report.baseHash) {
        throw new HttpProblem(
          409,
          AgentProblemType.snapshotMismatch,
          'Snapshot mismatch',
          `The server does not hold the snapshot ${report.baseHash}${row.snapshot_hash ? ` (it holds ${row.snapshot_hash})` : ''}; send a full report.`,
        );
      }
      next = applyMergePatch(row.snapshot, report.patch);
    }
    if (!validateSnapshot(next)) {
      throw problems.validation(
        'The snapshot after this report does not fit the HostSnapshot schema.',
        toFieldErrors(validateSnapshot.errors, 'body/snapshot'),
      );
    }
    const snapshot = next as HostSnapshot;
    const hash = createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
    if (hash !== report.hash) {
      throw problems.validation(`The snapshot after this report hashes to ${hash}, not to the reported ${report.hash}.`, [
        { path: 'body/hash', message: 'does not match the snapshot' },
      ]);
    }
    // An unchanged snapshot is not written again (it can be megabytes): only the time it was last confirmed.
    if (hash === row.snapshot_hash) await this.agents.confirmSnapshot(trx, agentId, report.collectedAt);
    else
      await this.agents.saveSnapshot(trx, agentId, {
        snapshot,
        snapshot_hash: hash,
        snapshot_at: report.collectedAt,
        hostname: snapshot.hostname || row.hostname,
        machine_id: snapshot.machineId ?? row.machine_id,
        os: [snapshot.os.name, snapshot.os.version].filter(Boolean).join(' ').slice(0, 200) || row.os,
      });
    // An unchanged snapshot of a host already bound to its CI has nothing new to reconcile.
    if (hash === row.snapshot_hash && row.ci_id !== null) return { hash, ciId: row.ci_id };
    const { ciId } = await this.reconcile(trx, observeHost(snapshot, { hostname: row.hostname, ciId: row.ci_id }), ctx);
    if (ciId !== row.ci_id) await this.agents.bindCi(trx, agentId, ciId);
    return { hash, ciId };
  }

  /** Runs `apply` in one transaction with the receipt of `key` (when given), answering a stored receipt instead. */
  private async once<T>(
    agentId: string,
    key: string | undefined,
    apply: (trx: Kysely<AgentTables>) => Promise<T>,
    onRollback: () => void = () => {},
  ): Promise<T> {
    const db = this.agents.db;
    if (!key) {
      try {
        return await db.transaction().execute(apply);
      } catch (error) {
        onRollback();
        throw error;
      }
    }
    try {
      return await db.transaction().execute(async (trx) => {
        const prior = await this.agents.receipt(trx, agentId, key);
        if (prior) return prior.response as T;
        const answer = await apply(trx);
        await this.agents.saveReceipt(trx, agentId, key, 200, answer);
        return answer;
      });
    } catch (error) {
      onRollback();
      if (!isUniqueViolation(error)) throw error;
      const prior = await this.agents.receipt(db, agentId, key);
      if (!prior) throw error;
      return prior.response as T;
    }
  }
}
