import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot, TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

const SYSTEM = { actor: { type: 'system' as const, id: null, label: 'local agent' }, requestId: null, sourceIp: null };

for (const engine of testEngines()) {
  describe(`the server's own agent and "last seen" on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    const enrolled = async (name: string): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('marks one agent as the local one, refuses to revoke it with problem+json, and allows it once unmarked', async () => {
      const first = await enrolled('first');
      const second = await enrolled('second');
      await t.estate.agents.agents.markLocal(first.agentId, SYSTEM);
      // Marking another moves the mark: there is one local agent.
      await t.estate.agents.agents.markLocal(second.agentId, SYSTEM);
      const local = async (id: string) => (await admin.request('GET', `/api/v1/agents/${id}`)).json().local;
      expect(await local(first.agentId)).toBe(false);
      expect(await local(second.agentId)).toBe(true);

      const refused = await admin.request('POST', `/api/v1/agents/${second.agentId}/revoke`);
      expect(refused.statusCode).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().detail).toContain('ESTATE_LOCAL_AGENT=false');
      expect((await admin.request('GET', `/api/v1/agents/${second.agentId}`)).json().status).toBe('active');
      expect((await second.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);

      // The server started without its local agent: no agent is marked, and the former one may be revoked.
      await t.estate.agents.agents.markLocal(null, SYSTEM);
      expect(await local(second.agentId)).toBe(false);
      const revoked = await admin.request('POST', `/api/v1/agents/${second.agentId}/revoke`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toMatchObject({ status: 'revoked', local: false });

      const audit = (await admin.request('GET', `/api/v1/audit-events?targetId=${second.agentId}`)).json();
      expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['agent.mark_local', 'agent.revoke']));
    });

    it("keeps the host CI's last seen at the agent's last contact", async () => {
      const agent = await enrolled('seen');
      const full = await agent.sendFull(sampleSnapshot({ hostname: 'seen-01' }));
      expect(full.statusCode, full.body).toBe(200);
      const { ciId } = full.json();
      // A later request that carries no inventory (the metrics interval's) still stamps both.
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      const seen = (await admin.request('GET', `/api/v1/agents/${agent.agentId}`)).json().lastSeenAt;
      const ci = (await admin.request('GET', `/api/v1/cis/${ciId}`)).json();
      expect(ci.lastSeen).toBe(seen);
      // Being seen is no change: the CI's version and history stay as the inventory left them.
      expect(ci.version).toBe(1);
    });
  });
}
