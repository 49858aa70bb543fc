import { AGENT_CLOCK_SKEW_MS, AgentProblemType, mergePatchBetween, ProblemType } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot, snapshotHash, TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

function expectProblem(res: LightMyRequestResponse, status: number, type: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json().type).toBe(type);
}

for (const engine of testEngines()) {
  describe(`agent reports on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    const enrolled = async (): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'reports' });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };
    const stored = (agentId: string) =>
      t.database.db
        .selectFrom('agents')
        .select(['snapshot_hash', 'snapshot_at', 'hostname', 'os'])
        .where('id', '=', agentId)
        .executeTakeFirstOrThrow();
    /** The agent's samples in the metric store as `[metric, labels other than the identifying ones, t, v]`. */
    const samples = async (agentId: string) =>
      (await t.estate.metrics.store.select([{ name: 'agent_id', op: '=', value: agentId }], 0, Date.now() + 86_400_000)).flatMap(
        ({ labels: { __name__, instance, job, agent_id, ci_id, ...rest }, samples: points }) =>
          points.map(([at, value]) => [__name__, rest, at, value] as const),
      );

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('stores a full snapshot, applies a delta on it, and refuses a delta on another base until a full report', async () => {
      const agent = await enrolled();
      const first = sampleSnapshot();
      const full = await agent.sendFull(first);
      expect(full.statusCode, full.body).toBe(200);
      expect(full.json()).toMatchObject({ hash: snapshotHash(first) });
      expect(agent.answerVerifies(full)).toBe(true);
      expect(await stored(agent.agentId)).toMatchObject({
        snapshot_hash: snapshotHash(first),
        hostname: 'web-01',
        os: 'Debian GNU/Linux 12',
      });

      const second = sampleSnapshot({ packages: { ...first.packages, openssl: { version: '3.0.13-1~deb12u1', arch: 'amd64' } } });
      const delta = {
        kind: 'delta',
        collectedAt: Date.now(),
        baseHash: snapshotHash(first),
        hash: snapshotHash(second),
        patch: mergePatchBetween(first, second),
      };
      const applied = await agent.request('POST', '/api/v1/agent/inventory', delta);
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json().hash).toBe(snapshotHash(second));

      // The same delta again: its base is no longer what the server holds.
      const stale = await agent.request('POST', '/api/v1/agent/inventory', delta);
      expectProblem(stale, 409, AgentProblemType.snapshotMismatch);
      expect(agent.answerVerifies(stale)).toBe(true);
      expect((await stored(agent.agentId)).snapshot_hash).toBe(snapshotHash(second));
      const third = sampleSnapshot({ hostname: 'web-01-renamed' });
      expect((await agent.sendFull(third)).statusCode).toBe(200);
      expect(await stored(agent.agentId)).toMatchObject({ snapshot_hash: snapshotHash(third), hostname: 'web-01-renamed' });
    });

    it('refuses a delta before any full report', async () => {
      const agent = await enrolled();
      const snapshot = sampleSnapshot();
      const res = await agent.request('POST', '/api/v1/agent/inventory', {
        kind: 'delta',
        collectedAt: Date.now(),
        baseHash: snapshotHash(snapshot),
        hash: snapshotHash(snapshot),
        patch: { hostname: 'x' },
      });
      expectProblem(res, 409, AgentProblemType.snapshotMismatch);
    });

    it('writes nothing for schema violations, a wrong hash or a full report without its snapshot', async () => {
      const agent = await enrolled();
      const base = sampleSnapshot();
      expect((await agent.sendFull(base)).statusCode).toBe(200);
      const before = await stored(agent.agentId);
      const bad = [
        { kind: 'full', collectedAt: Date.now(), hash: snapshotHash(base), snapshot: { ...base, memoryBytes: 'lots' } },
        { kind: 'full', collectedAt: Date.now(), hash: 'a'.repeat(64), snapshot: base },
        { kind: 'full', collectedAt: Date.now(), hash: snapshotHash(base) },
        { kind: 'delta', collectedAt: Date.now(), baseHash: snapshotHash(base), hash: snapshotHash(base), patch: { memoryBytes: -1 } },
        { kind: 'delta', collectedAt: Date.now(), baseHash: snapshotHash(base), hash: snapshotHash(base), patch: { cpu: null } },
        { kind: 'delta', collectedAt: Date.now(), baseHash: snapshotHash(base), hash: snapshotHash(base), patch: { surprise: 1 } },
        { kind: 'delta', collectedAt: Date.now(), baseHash: snapshotHash(base), hash: 'b'.repeat(64), patch: { hostname: 'other' } },
      ];
      for (const report of bad) {
        const res = await agent.request('POST', '/api/v1/agent/inventory', report, { idempotencyKey: `bad-${Math.random()}` });
        expectProblem(res, 400, ProblemType.validation);
        expect(agent.answerVerifies(res)).toBe(true);
      }
      expect(await stored(agent.agentId)).toEqual(before);
      const receipts = await t.database.db.selectFrom('agent_receipts').selectAll().where('agent_id', '=', agent.agentId).execute();
      expect(receipts).toEqual([]);
      const malformedMetrics = await agent.request('POST', '/api/v1/agent/metrics', { series: [{ name: 'Bad Name', points: [[1, 1]] }] });
      expectProblem(malformedMetrics, 400, ProblemType.validation);
      expect(await samples(agent.agentId)).toEqual([]);
    });

    it("refuses a report without its kind's parts, naming only that kind's fields", async () => {
      const agent = await enrolled();
      const base = sampleSnapshot();
      const hash = snapshotHash(base);
      const cases: Array<{ report: object; paths: string[] }> = [
        { report: { kind: 'full', collectedAt: Date.now(), hash }, paths: ['body/snapshot'] },
        { report: { kind: 'full', collectedAt: Date.now(), hash, snapshot: base, patch: {} }, paths: ['body/patch'] },
        { report: { kind: 'delta', collectedAt: Date.now(), hash }, paths: ['body/baseHash', 'body/patch'] },
        { report: { kind: 'delta', collectedAt: Date.now(), hash, baseHash: hash, patch: {}, snapshot: base }, paths: ['body/snapshot'] },
      ];
      for (const { report, paths } of cases) {
        const res = await agent.request('POST', '/api/v1/agent/inventory', report);
        expectProblem(res, 400, ProblemType.validation);
        const errors = (res.json() as { errors: Array<{ path: string }> }).errors;
        expect(errors.map((e) => e.path).sort(), JSON.stringify(report)).toEqual(paths);
      }
      const unknown = await agent.request('POST', '/api/v1/agent/inventory', { kind: 'partial', collectedAt: Date.now(), hash });
      expectProblem(unknown, 400, ProblemType.validation);
      expect((await stored(agent.agentId)).snapshot_hash).toBeNull();
    });

    it('answers a retried report with its first answer without applying it again', async () => {
      const agent = await enrolled();
      const first = sampleSnapshot();
      const key = 'inv-0001';
      const original = await agent.sendFull(first, { idempotencyKey: key });
      expect(original.statusCode).toBe(200);
      const after = await stored(agent.agentId);
      // A retry is signed afresh (new nonce) with the same key; even a changed body is answered, not applied.
      const retry = await agent.sendFull(sampleSnapshot({ hostname: 'changed' }), { idempotencyKey: key });
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual(original.json());
      expect(agent.answerVerifies(retry)).toBe(true);
      expect(await stored(agent.agentId)).toEqual(after);

      const batch = { series: [{ name: 'cpu.usage', points: [[Date.now(), 12.5]] }] };
      const m1 = await agent.request('POST', '/api/v1/agent/metrics', batch, { idempotencyKey: 'm-1' });
      const results = await Promise.all(
        [1, 2, 3].map(() => agent.request('POST', '/api/v1/agent/metrics', batch, { idempotencyKey: 'm-1' })),
      );
      for (const r of results) expect(r.json()).toEqual(m1.json());
      expect(m1.json()).toEqual({ accepted: 1 });
      expect(await samples(agent.agentId)).toHaveLength(1);
    });

    it('stores each metric point once however often a batch is resent, and keeps the dropped count', async () => {
      const agent = await enrolled();
      const now = Date.now();
      const batch = {
        series: [
          {
            name: 'cpu.usage',
            points: [
              [now - 30_000, 10],
              [now, 20],
            ],
          },
          { name: 'fs.used_bytes', labels: { mount: '/' }, points: [[now, 1e9]] },
          { name: 'fs.used_bytes', labels: { mount: '/var' }, points: [[now, 2e9]] },
        ],
        dropped: 7,
      };
      const first = await agent.request('POST', '/api/v1/agent/metrics', batch);
      expect(first.json()).toEqual({ accepted: 4 });
      expect(agent.answerVerifies(first)).toBe(true);
      const again = await agent.request('POST', '/api/v1/agent/metrics', batch);
      expect(again.json()).toEqual({ accepted: 0 });
      expect(await samples(agent.agentId)).toEqual([
        ['estate_host_cpu_utilisation_ratio', {}, now - 30_000, 0.1],
        ['estate_host_cpu_utilisation_ratio', {}, now, 0.2],
        ['estate_host_filesystem_used_bytes', { mountpoint: '/' }, now, 1e9],
        ['estate_host_filesystem_used_bytes', { mountpoint: '/var' }, now, 2e9],
      ]);
      const [series] = await t.estate.metrics.store.select(
        [
          { name: 'agent_id', op: '=', value: agent.agentId },
          { name: '__name__', op: '=', value: 'estate_host_cpu_utilisation_ratio' },
        ],
        0,
        now,
      );
      expect(series?.labels).toEqual({
        __name__: 'estate_host_cpu_utilisation_ratio',
        agent_id: agent.agentId,
        instance: 'host-under-test',
        job: 'estate-agent',
      });
      const viewer = await t.userWithRole('viewer');
      expect((await viewer.request('GET', `/api/v1/agents/${agent.agentId}`)).json().droppedRecords).toBe(7);
    });

    it('prunes expired nonces and old receipts, and the metrics module prunes samples past the retention', async () => {
      const agent = await enrolled();
      await agent.request(
        'POST',
        '/api/v1/agent/metrics',
        { series: [{ name: 'load.1', points: [[Date.now(), 1]] }] },
        { idempotencyKey: 'p-1' },
      );
      await agent.request('POST', '/api/v1/agent/metrics', {
        series: [{ name: 'disk.read_bytes', labels: { device: 'sda' }, points: [[Date.now(), 1]] }],
      });
      expect((await t.estate.metrics.prune()).raw).toBe(0);
      // Sixteen days on, both chunks (and those of the other tests' agents) are past the raw tier's 15 days, and
      // deleted once the rollup job has read them.
      const later = Date.now() + 16 * AGENT_DAY;
      expect((await t.estate.metrics.prune(later)).raw).toBe(0);
      await t.estate.metrics.rollup(later);
      expect((await t.estate.metrics.prune(later)).raw).toBeGreaterThanOrEqual(2);
      expect(await samples(agent.agentId)).toEqual([]);
      // A series whose head was pruned starts afresh: the pruned sample does not come back with the next one.
      const next = Date.now() + 1000;
      await agent.request('POST', '/api/v1/agent/metrics', { series: [{ name: 'load.1', points: [[next, 2]] }] });
      expect(await samples(agent.agentId)).toEqual([['node_load1', {}, next, 2]]);
      const pruned = await t.estate.agents.prune(Date.now() + AGENT_CLOCK_SKEW_MS + 2 * AGENT_DAY);
      expect(pruned.nonces).toBeGreaterThanOrEqual(1);
      expect(pruned.receipts).toBeGreaterThanOrEqual(1);
      const left = await t.database.db.selectFrom('agent_nonces').selectAll().where('agent_id', '=', agent.agentId).execute();
      expect(left).toEqual([]);
    });
  });
}

const AGENT_DAY = 86_400_000;
