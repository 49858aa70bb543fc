import type { Agent, AgentListQuery } from '@estate/contract';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { publishEvent } from '../../platform/events';
import { type HttpProblem, problems } from '../../platform/http/problem';
import { type AgentRepository, type AgentSummaryRow, toAgent } from './agent.repository';

/** The answer to revoking the server's own agent: refused, with what to do instead. */
function localAgentRevokeRefused(): HttpProblem {
  return problems.conflict(
    "This is the server's own agent (the local agent of `estate serve`). Revoking it would stop Estate from inventorying " +
      'and monitoring the machine it runs on. To turn it off, start the server with ESTATE_LOCAL_AGENT=false; its ' +
      'agent then stops reporting and can be revoked.',
  );
}

/**
 * What administrators do with agents: list them (with `online` derived from the last request and the metrics
 * interval), read one, approve a pending one and revoke any. Approval and revocation are audited in the same
 * transaction; a revocation takes effect on the agent's very next request, which reads the agent row afresh.
 */
export class AgentService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly audit: AuditLog,
    /** How long after its last request an agent still counts as online: three metrics intervals. */
    private readonly onlineWindowMs: number,
  ) {}

  /** One page of agents, optionally of one status, in enrollment order. */
  async list(query: AgentListQuery): Promise<{ items: Agent[]; nextCursor: string | null }> {
    const page = await this.agents.list({ status: query.status, limit: query.limit ?? 50, cursor: query.cursor });
    const since = Date.now() - this.onlineWindowMs;
    return { items: page.items.map((r) => toAgent(r, since)), nextCursor: page.nextCursor };
  }

  /** One agent; 404 when unknown. */
  async get(id: string): Promise<Agent> {
    const row = await this.agents.byId(id);
    if (!row) throw problems.notFound('The agent');
    return toAgent(row, Date.now() - this.onlineWindowMs);
  }

  /**
   * The presence sweep, for the scheduler (every minute or so): records offline every online agent whose last
   * request is older than the online window at `now`, publishing `agent.offline` for each in the same transaction.
   * Idempotent, and safe from several processes at once: each agent is flipped, and published, by one of them.
   * Answers how many agents went offline.
   */
  async markOfflineAgents(now = Date.now()): Promise<number> {
    return this.agents.db.transaction().execute(async (trx) => {
      const gone = await this.agents.markOffline(trx, now - this.onlineWindowMs);
      for (const agent of gone) {
        const lastSeenAt = agent.last_seen_at === null ? null : Number(agent.last_seen_at);
        await publishEvent(trx, 'agent.offline', { agentId: agent.id, ciId: agent.ci_id, lastSeenAt });
      }
      return gone.length;
    });
  }

  /** Lets a pending agent report. Approving an active agent changes nothing; a revoked one cannot be approved (409). */
  approve(id: string, userId: string | null, ctx: ActionContext): Promise<Agent> {
    return this.change(id, ctx, 'agent.approve', (row, now) => {
      if (row.status === 'active') return null;
      if (row.status === 'revoked') throw problems.conflict('A revoked agent cannot be approved; enroll the host again.');
      return { status: 'active', approved_at: now, approved_by: userId };
    });
  }

  /**
   * Revokes an agent for good: its next request is refused. Revoking a revoked agent changes nothing. The server's
   * own local agent is refused (409): revoking it would silently stop the inventory of the server's machine until
   * the next restart re-enrolled it; `ESTATE_LOCAL_AGENT=false` is how to turn it off.
   */
  revoke(id: string, userId: string | null, ctx: ActionContext): Promise<Agent> {
    return this.change(id, ctx, 'agent.revoke', (row, now) => {
      if (row.status === 'revoked') return null;
      if (Number(row.local) === 1) throw localAgentRevokeRefused();
      return { status: 'revoked', revoked_at: now, revoked_by: userId };
    });
  }

  /**
   * Marks `id` as the agent `estate serve` runs for its own machine, and no other agent as such; null marks none
   * (the server runs without its local agent, which may then be revoked). For the server process itself, after its
   * local agent enrolled or when it starts without one. Each agent whose mark changes is audited; 404 when unknown.
   */
  async markLocal(id: string | null, ctx: ActionContext): Promise<void> {
    await this.agents.db.transaction().execute(async (trx) => {
      const row = id === null ? undefined : await this.agents.byId(id, trx);
      if (id !== null && !row) throw problems.notFound('The agent');
      if (row && Number(row.local) === 1) return;
      const cleared = await this.agents.setLocal(trx, id);
      const marks = [...cleared.map((c) => ({ targetId: c.id, local: false })), ...(id === null ? [] : [{ targetId: id, local: true }])];
      for (const mark of marks) {
        await this.audit.append(trx, ctx, {
          action: 'agent.mark_local',
          targetType: 'agent',
          targetId: mark.targetId,
          before: { local: !mark.local },
          after: { local: mark.local },
        });
      }
    });
  }

  private async change(
    id: string,
    ctx: ActionContext,
    action: string,
    decide: (row: AgentSummaryRow, now: number) => Parameters<AgentRepository['setStatus']>[2] | null,
  ): Promise<Agent> {
    return this.agents.db.transaction().execute(async (trx) => {
      const row = await this.agents.byId(id, trx);
      if (!row) throw problems.notFound('The agent');
      const now = Date.now();
      const since = now - this.onlineWindowMs;
      const change = decide(row, now);
      if (!change) return toAgent(row, since);
      if (!(await this.agents.setStatus(trx, row, change))) {
        throw problems.conflict('The agent changed while this was being applied; reload it and try again.');
      }
      const after = { ...row, ...change, version_no: row.version_no + 1 };
      await this.audit.append(trx, ctx, {
        action,
        targetType: 'agent',
        targetId: id,
        before: toAgent(row, since),
        after: toAgent(after, since),
      });
      return toAgent(after, since);
    });
  }
}
