import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { openDatabase } from '../../platform/db/database';
import { publishedEvents } from '../../platform/events/outbox.fixtures';
import { createAgentsModule } from './index';

/* Agents' presence: `agent.online` on the first request after being offline, `agent.offline` from the sweep. */
for (const engine of testEngines()) {
  describe(`agent presence events on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    /** The online window of the test estate: three metrics intervals of 30 s. */
    const WINDOW_MS = 90_000;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    }, 60_000);
    afterAll(() => t?.close());

    const enrolled = async (requireApproval = false): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'presence', requireApproval });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };
    const online = (agentId: string) => publishedEvents(t.database.db, 'agent.online', (e) => e.agentId === agentId);
    const offline = (agentId: string) => publishedEvents(t.database.db, 'agent.offline', (e) => e.agentId === agentId);
    const lastSeen = async (agentId: string) =>
      Number(
        (await t.database.db.selectFrom('agents').select('last_seen_at').where('id', '=', agentId).executeTakeFirstOrThrow()).last_seen_at,
      );

    it('publishes agent.online when an active agent enrolls, and not again while it stays online', async () => {
      const agent = await enrolled();
      const enrolledAt = await lastSeen(agent.agentId);
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      expect(await online(agent.agentId)).toEqual([{ agentId: agent.agentId, ciId: null, lastSeenAt: enrolledAt }]);
    });

    it('sweeps silent agents offline once, even with several sweepers, and publishes agent.online on their next request', async () => {
      const agent = await enrolled();
      const seen = await lastSeen(agent.agentId);
      const agents = t.estate.agents.agents;
      // Still within the window: it stays online.
      await agents.markOfflineAgents(seen + WINDOW_MS);
      expect(await offline(agent.agentId)).toEqual([]);

      const later = seen + WINDOW_MS + 1;
      if (engine.dialect === 'sqlite') {
        // One process per SQLite store (its driver blocks while waiting for a lock): concurrent sweeps in it.
        await Promise.all([agents.markOfflineAgents(later), agents.markOfflineAgents(later)]);
      } else {
        // A second process: its own connections to the same store.
        const other = await openDatabase({ databaseUrl: t.database.location, poolSize: 2 });
        try {
          const elsewhere = createAgentsModule({
            db: other.db,
            dialect: engine.dialect,
            audit: t.estate.audit,
            secretBox: undefined as never,
            intervals: { metricsSeconds: t.config.agentMetricsSeconds, inventorySeconds: t.config.agentInventorySeconds },
            reconcile: undefined as never,
            agentBundle: t.config.agentBundle,
            writeSamples: undefined as never,
          }).agents;
          await Promise.all([agents.markOfflineAgents(later), elsewhere.markOfflineAgents(later), agents.markOfflineAgents(later)]);
        } finally {
          await other.close();
        }
      }
      expect(await offline(agent.agentId)).toEqual([{ agentId: agent.agentId, ciId: null, lastSeenAt: seen }]);
      expect(await agents.markOfflineAgents(later + WINDOW_MS)).toBe(0);

      // A refused request (a replayed nonce) does not bring it online; the next good one does, once.
      const nonce = randomBytes(16).toString('base64url');
      expect((await agent.request('GET', '/api/v1/agent/config', undefined, { nonce })).statusCode).toBe(200);
      const back = await lastSeen(agent.agentId);
      expect((await agent.request('GET', '/api/v1/agent/config', undefined, { nonce })).statusCode).toBe(401);
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      expect(await online(agent.agentId)).toEqual([
        { agentId: agent.agentId, ciId: null, lastSeenAt: seen },
        { agentId: agent.agentId, ciId: null, lastSeenAt: back },
      ]);
    });

    it('leaves a pending agent offline until its first request after approval', async () => {
      const agent = await enrolled(true);
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      expect(await online(agent.agentId)).toEqual([]);
      expect((await admin.request('POST', `/api/v1/agents/${agent.agentId}/approve`)).statusCode).toBe(200);
      expect(await online(agent.agentId)).toEqual([]);
      expect((await agent.request('GET', '/api/v1/agent/config')).statusCode).toBe(200);
      expect(await online(agent.agentId)).toEqual([
        expect.objectContaining({ agentId: agent.agentId, lastSeenAt: await lastSeen(agent.agentId) }),
      ]);
    });
  });
}
