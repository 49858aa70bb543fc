import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AGENT_CLOCK_SKEW_MS, AGENT_HEADERS, AgentProblemType, ProblemType } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot, TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

function expectProblem(res: LightMyRequestResponse, status: number, type: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json().type).toBe(type);
}

for (const engine of testEngines()) {
  describe(`signed agent requests on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    const enrolled = async (requireApproval = false): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'test', requireApproval });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('answers a signed heartbeat with the config, signed by the pinned server key, and records the visit', async () => {
      const agent = await enrolled();
      await t.database.db.updateTable('agents').set({ last_seen_at: 1, last_address: null }).where('id', '=', agent.agentId).execute();
      const beforeVisit = Date.now();
      const res = await agent.request('GET', '/api/v1/agent/config');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ agentId: agent.agentId, status: 'active', intervals: { metricsSeconds: 30 } });
      expect(agent.answerVerifies(res)).toBe(true);
      // The signature binds the answer to this request's nonce and to its exact bytes.
      expect(agent.answerVerifies(res, randomBytes(16).toString('base64url'))).toBe(false);
      expect(agent.answerVerifies({ ...res, rawPayload: Buffer.from(`${res.body} `) } as LightMyRequestResponse)).toBe(false);
      const row = await t.database.db.selectFrom('agents').selectAll().where('id', '=', agent.agentId).executeTakeFirstOrThrow();
      expect(Number(row.last_seen_at)).toBeGreaterThanOrEqual(beforeVisit);
      expect(row.last_address).toBe('10.9.0.1');
    });

    it('refuses unsigned, badly signed, tampered, skewed and unknown-agent requests, each answer signed', async () => {
      const agent = await enrolled();
      const unsigned = await t.estate.http.inject({ method: 'GET', url: '/api/v1/agent/config' });
      expectProblem(unsigned, 401, ProblemType.unauthenticated);
      expect(agent.answerVerifies(unsigned, '')).toBe(true);

      const otherKey = generateKeyPairSync('ed25519').privateKey;
      expectProblem(await agent.request('GET', '/api/v1/agent/config', undefined, { key: otherKey }), 401, ProblemType.unauthenticated);

      const report = { series: [{ name: 'cpu.usage', points: [[Date.now(), 1]] }] };
      const tampered = await agent.request('POST', '/api/v1/agent/metrics', report, {
        sentBody: JSON.stringify({ series: [{ name: 'cpu.usage', points: [[Date.now(), 99]] }] }),
      });
      expectProblem(tampered, 401, ProblemType.unauthenticated);
      expect(agent.answerVerifies(tampered)).toBe(true);

      for (const skew of [AGENT_CLOCK_SKEW_MS + 10_000, -(AGENT_CLOCK_SKEW_MS + 10_000)]) {
        const skewed = await agent.request('GET', '/api/v1/agent/config', undefined, { timestamp: Date.now() + skew });
        expectProblem(skewed, 401, AgentProblemType.clockSkew);
      }
      const unknown = await agent.request('GET', '/api/v1/agent/config', undefined, { agentId: '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b' });
      expectProblem(unknown, 401, ProblemType.unauthenticated);
      const malformed = await agent.request('GET', '/api/v1/agent/config', undefined, { headers: { [AGENT_HEADERS.nonce]: 'short' } });
      expectProblem(malformed, 401, ProblemType.unauthenticated);
      const samples = await t.estate.metrics.store.select([{ name: 'agent_id', op: '=', value: agent.agentId }], 0, Date.now() + 60_000);
      expect(samples).toEqual([]);
    });

    it('refuses a replayed nonce, also for a different request', async () => {
      const agent = await enrolled();
      const nonce = randomBytes(16).toString('base64url');
      expect((await agent.request('GET', '/api/v1/agent/config', undefined, { nonce })).statusCode).toBe(200);
      const replay = await agent.request('GET', '/api/v1/agent/config', undefined, { nonce });
      expectProblem(replay, 401, AgentProblemType.replay);
      expect(agent.answerVerifies(replay)).toBe(true);
      const report = { series: [{ name: 'cpu.usage', points: [[Date.now(), 1]] }] };
      expectProblem(await agent.request('POST', '/api/v1/agent/metrics', report, { nonce }), 401, AgentProblemType.replay);
    });

    it('ignores cookies and bearer tokens on agent routes', async () => {
      expectProblem(await admin.request('GET', '/api/v1/agent/config'), 401, ProblemType.unauthenticated);
      const created = await admin.request('POST', '/api/v1/tokens', { name: 'all', scopes: ['agents:read', 'agents:write'] });
      const res = await t
        .anonymous()
        .request('POST', '/api/v1/agent/metrics', { series: [] }, { authorization: `Bearer ${created.json().token}` });
      expectProblem(res, 401, ProblemType.unauthenticated);
    });

    it('refuses a revoked agent on its very next request', async () => {
      const agent = await enrolled();
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      expect((await admin.request('POST', `/api/v1/agents/${agent.agentId}/revoke`)).statusCode).toBe(200);
      const res = await agent.request('GET', '/api/v1/agent/config');
      expectProblem(res, 403, AgentProblemType.agentRevoked);
      expect(agent.answerVerifies(res)).toBe(true);
      expectProblem(await agent.sendFull(sampleSnapshot()), 403, AgentProblemType.agentRevoked);
    });

    it('lets a pending agent ask for its config only, until an administrator approves it', async () => {
      const agent = await enrolled(true);
      const config = await agent.request('GET', '/api/v1/agent/config');
      expect(config.statusCode).toBe(200);
      expect(config.json().status).toBe('pending');
      expectProblem(await agent.sendFull(sampleSnapshot()), 403, AgentProblemType.agentPending);
      const metrics = await agent.request('POST', '/api/v1/agent/metrics', { series: [{ name: 'load.1', points: [[Date.now(), 0.5]] }] });
      expectProblem(metrics, 403, AgentProblemType.agentPending);
      expect((await admin.request('POST', `/api/v1/agents/${agent.agentId}/approve`)).statusCode).toBe(200);
      expect((await agent.request('GET', '/api/v1/agent/config')).json().status).toBe('active');
      expect((await agent.sendFull(sampleSnapshot())).statusCode).toBe(200);
    });

    it('shows an agent online after a request and offline once three metrics intervals passed', async () => {
      const agent = await enrolled();
      await agent.request('GET', '/api/v1/agent/config');
      expect((await admin.request('GET', `/api/v1/agents/${agent.agentId}`)).json().online).toBe(true);
      await t.database.db
        .updateTable('agents')
        .set({ last_seen_at: Date.now() - 3 * 30_000 - 1000 })
        .where('id', '=', agent.agentId)
        .execute();
      expect((await admin.request('GET', `/api/v1/agents/${agent.agentId}`)).json().online).toBe(false);
    });
  });
}
