import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AgentProblemType, type CreatedEnrollmentToken, ProblemType } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { sha256Hex } from '../../platform/crypto/secret-box';

function expectProblem(res: LightMyRequestResponse, status: number, type: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json().type).toBe(type);
}

for (const engine of testEngines()) {
  describe(`agent enrollment on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    const createToken = async (body: Record<string, unknown> = {}): Promise<CreatedEnrollmentToken> => {
      const res = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'rack 4', ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const auditOf = (action: string) =>
      t.database.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq', 'desc').execute();

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('creates a token shown once, stores only its hash, and lists it as unused', async () => {
      const created = await createToken({ ttlMinutes: 30 });
      expect(created.token).toMatch(/^estate-enroll-[A-Za-z0-9_-]{43}$/);
      expect(created.enrollmentToken).toMatchObject({ name: 'rack 4', status: 'unused', requireApproval: false, usedAt: null });
      expect(created.enrollmentToken.expiresAt - created.enrollmentToken.createdAt).toBe(30 * 60_000);
      const row = await t.database.db
        .selectFrom('enrollment_tokens')
        .selectAll()
        .where('id', '=', created.enrollmentToken.id)
        .executeTakeFirst();
      expect(row?.token_hash).toBe(sha256Hex(created.token));
      expect(JSON.stringify(row)).not.toContain(created.token);
      const audit = await auditOf('enrollment_token.create');
      expect(JSON.stringify(audit)).not.toContain(created.token);
      const list = await admin.request('GET', '/api/v1/enrollment-tokens?limit=1');
      expect(list.statusCode).toBe(200);
      expect(list.json().items[0]).toMatchObject({ id: created.enrollmentToken.id, status: 'unused' });
      expect(list.json().items[0]).not.toHaveProperty('token');
    });

    it('enrolls an agent: active, with the server key, the token used and the enrollment audited', async () => {
      const { token, enrollmentToken, serverKeyFingerprint } = await createToken();
      const agent = new TestAgentClient(t);
      const res = await agent.enroll(token, { machineId: 'abc123' });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ status: 'active', intervals: { metricsSeconds: 30, inventorySeconds: 600 } });
      expect(body.serverKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      // The fingerprint shown with the token is the key the agent meets at enrollment, so it can pin it up front.
      expect(body.serverKeyFingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(serverKeyFingerprint).toBe(body.serverKeyFingerprint);
      const stored = await t.database.db.selectFrom('server_keys').selectAll().executeTakeFirstOrThrow();
      expect(stored.private_key).toMatch(/^v1\./);
      expect(stored.private_key).not.toContain('PRIVATE KEY');
      const read = await admin.request('GET', `/api/v1/agents/${body.agentId}`);
      expect(read.json()).toMatchObject({
        hostname: 'host-under-test',
        machineId: 'abc123',
        status: 'active',
        online: true,
        version: '0.1.0',
      });
      const tokens = (await admin.request('GET', '/api/v1/enrollment-tokens')).json().items;
      expect(tokens.find((x: { id: string }) => x.id === enrollmentToken.id)).toMatchObject({ status: 'used', agentId: body.agentId });
      const [event] = await auditOf('agent.enroll');
      expect(event).toMatchObject({ outcome: 'success', target_id: body.agentId });
      // A second enrollment sees the same server key.
      const again = new TestAgentClient(t);
      expect((await again.enroll((await createToken()).token)).json().serverKey).toBe(body.serverKey);
    });

    it('refuses a token a second time, and of two concurrent enrollments exactly one wins', async () => {
      const { token } = await createToken();
      expect((await new TestAgentClient(t).enroll(token)).statusCode).toBe(201);
      expectProblem(await new TestAgentClient(t).enroll(token), 403, AgentProblemType.enrollmentTokenUsed);

      const race = await createToken();
      const agentsBefore = await t.database.db.selectFrom('agents').select('id').execute();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => new TestAgentClient(t).enroll(race.token, {}, `10.9.1.${i + 1}`)),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 403, 403, 403]);
      const agentsAfter = await t.database.db.selectFrom('agents').select('id').execute();
      expect(agentsAfter.length).toBe(agentsBefore.length + 1);
    });

    it('refuses expired, revoked and unknown tokens with distinct problems, audited without the token', async () => {
      const expired = await createToken();
      await t.database.db
        .updateTable('enrollment_tokens')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', expired.enrollmentToken.id)
        .execute();
      expectProblem(await new TestAgentClient(t).enroll(expired.token), 401, AgentProblemType.enrollmentTokenExpired);

      const revoked = await createToken();
      expect((await admin.request('DELETE', `/api/v1/enrollment-tokens/${revoked.enrollmentToken.id}`)).statusCode).toBe(204);
      expectProblem(await new TestAgentClient(t).enroll(revoked.token), 403, AgentProblemType.enrollmentTokenRevoked);

      const unknown = `estate-enroll-${randomBytes(32).toString('base64url')}`;
      expectProblem(await new TestAgentClient(t).enroll(unknown), 401, AgentProblemType.enrollmentTokenInvalid);
      expectProblem(await new TestAgentClient(t).enroll('not-a-token'), 401, AgentProblemType.enrollmentTokenInvalid);

      const failures = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'agent.enroll')
        .where('outcome', '=', 'failure')
        .execute();
      const reasons = failures.map((f) => JSON.parse(typeof f.after === 'string' ? f.after : JSON.stringify(f.after)).reason);
      expect(reasons).toEqual(expect.arrayContaining(['expired', 'revoked', 'invalid']));
      for (const secret of [expired.token, revoked.token, unknown]) expect(JSON.stringify(failures)).not.toContain(secret);
      for (const id of [expired.enrollmentToken.id, revoked.enrollmentToken.id]) {
        const row = await t.database.db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(row.used_at).toBeNull();
      }
    });

    it('refuses a public key that is not Ed25519 SPKI PEM, and keeps the token usable', async () => {
      const { token } = await createToken();
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      for (const publicKey of [
        rsa,
        'not a key',
        ed.replace(/\n[^\n]+\n-----END/, '\nMCowBQYDK2VwAyEA\n-----END'),
        ed.replace('PUBLIC KEY', 'PRIVATE KEY'),
      ]) {
        const res = await t.estate.http.inject({
          method: 'POST',
          url: '/api/v1/agent/enroll',
          payload: { token, publicKey, hostname: 'h', version: '1' },
        });
        expectProblem(res, 400, ProblemType.validation);
      }
      expect((await new TestAgentClient(t).enroll(token)).statusCode).toBe(201);
    });

    it('enrolls as pending with a token that requires approval; approve and revoke are audited', async () => {
      const { token } = await createToken({ requireApproval: true });
      const client = new TestAgentClient(t);
      const res = await client.enroll(token);
      expect(res.json().status).toBe('pending');
      const pending = (await admin.request('GET', '/api/v1/agents?status=pending')).json().items;
      expect(pending.map((a: { id: string }) => a.id)).toContain(client.agentId);
      const approved = await admin.request('POST', `/api/v1/agents/${client.agentId}/approve`);
      expect(approved.json()).toMatchObject({ status: 'active', approvedAt: expect.any(Number) });
      const revoked = await admin.request('POST', `/api/v1/agents/${client.agentId}/revoke`);
      expect(revoked.json()).toMatchObject({ status: 'revoked', online: false });
      expectProblem(await admin.request('POST', `/api/v1/agents/${client.agentId}/approve`), 409, ProblemType.conflict);
      const actions = (await t.database.db.selectFrom('audit_events').select(['action', 'target_id']).execute())
        .filter((e) => e.target_id === client.agentId)
        .map((e) => e.action);
      expect(actions).toEqual(['agent.enroll', 'agent.approve', 'agent.revoke']);
    });

    it('limits enrollment attempts per client address', async () => {
      const guesses = [];
      for (let i = 0; i < 12; i++) {
        guesses.push(await new TestAgentClient(t).enroll(`estate-enroll-${randomBytes(32).toString('base64url')}`, {}, '10.77.0.1'));
      }
      expect(guesses.slice(0, 10).map((r) => r.statusCode)).toEqual(Array(10).fill(401));
      expectProblem(guesses[11]!, 429, ProblemType.tooManyRequests);
      // Another address is not held back by it.
      expectProblem(await new TestAgentClient(t).enroll('estate-enroll-x', {}, '10.77.0.2'), 401, AgentProblemType.enrollmentTokenInvalid);
    });

    it('keeps tokens and agents to their permissions and refuses revoking a used token', async () => {
      const viewer = await t.userWithRole('viewer');
      expect((await viewer.request('GET', '/api/v1/agents')).statusCode).toBe(200);
      expect((await viewer.request('GET', '/api/v1/enrollment-tokens')).statusCode).toBe(200);
      expectProblem(await viewer.request('POST', '/api/v1/enrollment-tokens', { name: 'x' }), 403, ProblemType.forbidden);
      const { token, enrollmentToken } = await createToken();
      await new TestAgentClient(t).enroll(token);
      expectProblem(await admin.request('DELETE', `/api/v1/enrollment-tokens/${enrollmentToken.id}`), 409, ProblemType.conflict);
      expectProblem(
        await admin.request('DELETE', '/api/v1/enrollment-tokens/0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b'),
        404,
        ProblemType.notFound,
      );
      expectProblem(
        await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'x', ttlMinutes: 100_000 }),
        400,
        ProblemType.validation,
      );
      const page = await admin.request('GET', '/api/v1/agents?limit=2');
      expect(page.json().items).toHaveLength(2);
      const next = await admin.request('GET', `/api/v1/agents?limit=2&cursor=${page.json().nextCursor}`);
      expect(next.json().items[0].id > page.json().items[1].id).toBe(true);
    });
  });
}
