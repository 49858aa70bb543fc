import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AgentRepository, AgentSummaryRow } from './agent.repository';
import { AgentReportService } from './agent-report.service';

/**
 * A metrics report whose transaction does not commit must tell the sink, which may already hold the report's
 * samples in memory: otherwise a checkpoint would store samples the agent was never told were stored.
 */
describe("a metrics report's transaction that rolls back", () => {
  const agent = { id: 'agent-1', hostname: 'web-01', ci_id: null } as unknown as AgentSummaryRow;
  const intervals = { metricsSeconds: 30, inventorySeconds: 3600 };

  /** A repository whose transactions run their work and then fail to commit (or commit, when `commits`). */
  function repository(commits: boolean, uniqueViolation = false) {
    const trx = {} as Kysely<never>;
    return {
      db: {
        transaction: () => ({
          execute: async (work: (t: Kysely<never>) => Promise<unknown>) => {
            const answer = await work(trx);
            if (uniqueViolation) throw Object.assign(new Error('duplicate key'), { code: '23505' });
            if (!commits) throw new Error('could not commit');
            return answer;
          },
        }),
      },
      receipt: async () => (uniqueViolation ? { response: { accepted: 1 } } : undefined),
      saveReceipt: async () => undefined,
      setDropped: async () => undefined,
    } as unknown as AgentRepository;
  }

  for (const key of [undefined, 'report-1']) {
    it(`tells the sink, and fails the report${key ? ' (with an idempotency key)' : ''}`, async () => {
      let written = 0;
      let rolledBack = 0;
      const reports = new AgentReportService(
        repository(false),
        async () => ({ ciId: 'ci-1' }),
        async () => ++written,
        intervals,
        () => rolledBack++,
      );
      await expect(reports.metrics(agent, key, { series: [{ name: 'load.1', points: [[1, 1]] }] })).rejects.toThrow('could not commit');
      expect([written, rolledBack]).toEqual([1, 1]);
    });
  }

  it('tells the sink when another request stored the same report first, and answers that one', async () => {
    let rolledBack = 0;
    const reports = new AgentReportService(
      repository(true, true),
      async () => ({ ciId: 'ci-1' }),
      async () => 1,
      intervals,
      () => rolledBack++,
    );
    await expect(reports.metrics(agent, 'report-1', { series: [{ name: 'load.1', points: [[1, 1]] }] })).resolves.toEqual({ accepted: 1 });
    expect(rolledBack).toBe(1);
  });

  it('does not when the report commits', async () => {
    let rolledBack = 0;
    const reports = new AgentReportService(
      repository(true),
      async () => ({ ciId: 'ci-1' }),
      async () => 1,
      intervals,
      () => rolledBack++,
    );
    await expect(reports.metrics(agent, 'report-2', { series: [{ name: 'load.1', points: [[1, 1]] }] })).resolves.toEqual({ accepted: 1 });
    expect(rolledBack).toBe(0);
  });
});
