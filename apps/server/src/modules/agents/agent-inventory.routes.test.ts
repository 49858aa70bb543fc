import { type CiHistoryEntry, mergePatchBetween } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot, snapshotHash, TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

for (const engine of testEngines()) {
  describe(`agent inventory into the CMDB on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    const enrolled = async (): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'cmdb' });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };
    const countCis = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('cis')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('creates one CI with agent provenance, binds the agent to it, and records a package upgrade in its history', async () => {
      const agent = await enrolled();
      const before = await countCis();
      const first = sampleSnapshot({ hostname: 'db-07', system: { manufacturer: 'HPE', model: 'DL380', serial: 'CZ-AGENT-07' } });
      const full = await agent.sendFull(first);
      expect(full.statusCode, full.body).toBe(200);
      const { ciId } = full.json();
      expect(ciId).toEqual(expect.any(String));
      expect(await countCis()).toBe(before + 1);
      expect((await admin.request('GET', `/api/v1/agents/${agent.agentId}`)).json().ciId).toBe(ciId);

      const ci = (await admin.request('GET', `/api/v1/cis/${ciId}`)).json();
      expect(ci).toMatchObject({ type: 'physical_server', name: 'db-07', serial: 'CZ-AGENT-07', manufacturer: 'HPE' });
      expect(ci.attributes).toMatchObject({
        hostname: 'db-07',
        cpuCores: 16,
        os: 'Debian GNU/Linux',
        ipAddresses: ['10.0.0.21', '172.17.0.1'],
      });
      expect(ci.provenance.serial).toMatchObject({ source: 'agent' });
      expect(ci.provenance['attributes.cpuCores']).toMatchObject({ source: 'agent' });
      // The interfaces are the CI's table, from the agent; the history starts with the CI's creation.
      const nics = (await admin.request('GET', `/api/v1/cis/${ciId}/interfaces`)).json().items;
      expect(nics.map((i: { source: string; name: string; mac: string | null }) => [i.source, i.name, i.mac])).toEqual([
        ['agent', 'docker0', '02:42:ac:11:00:01'],
        ['agent', 'eth0', '52:54:00:12:34:56'],
        ['agent', 'lo', null],
      ]);
      const entries = (await admin.request('GET', `/api/v1/cis/${ciId}/history`)).json().items as CiHistoryEntry[];
      const oldestFirst = [...entries].reverse();
      expect(oldestFirst[0]?.kind).toBe('created');
      expect(oldestFirst.every((h, i) => i === 0 || h.at >= (oldestFirst[0]?.at ?? 0))).toBe(true);

      const upgraded = { ...first, packages: { ...first.packages, openssl: { version: '3.0.13-1~deb12u1', arch: 'amd64' } } };
      const delta = await agent.request('POST', '/api/v1/agent/inventory', {
        kind: 'delta',
        collectedAt: Date.now(),
        baseHash: snapshotHash(first),
        hash: snapshotHash(upgraded),
        patch: mergePatchBetween(first, upgraded),
      });
      expect(delta.statusCode, delta.body).toBe(200);
      expect(delta.json().ciId).toBe(ciId);
      expect(await countCis()).toBe(before + 1);
      const history = (await admin.request('GET', `/api/v1/cis/${ciId}/history`)).json().items as CiHistoryEntry[];
      const upgrade = history.find((h) => h.kind === 'software' && h.changes.some((c) => c.field.startsWith('software:openssl')));
      expect(upgrade).toMatchObject({
        source: 'agent',
        actorLabel: 'agent db-07',
        changes: [{ field: 'software:openssl:amd64', from: '3.0.11-1~deb12u1', to: '3.0.13-1~deb12u1' }],
      });
    });

    it('keeps one CI when the same host re-enrolls with a new key, and changes nothing on an unchanged full report', async () => {
      const snapshot = sampleSnapshot({ hostname: 'app-11', system: { serial: 'SN-REENROLL-11' }, machineId: 'machine-app-11' });
      const a = await enrolled();
      const { ciId } = (await a.sendFull(snapshot)).json();
      const before = await countCis();
      const historyBefore = (await admin.request('GET', `/api/v1/cis/${ciId}/history`)).json().items.length;
      expect((await a.sendFull(snapshot)).json().ciId).toBe(ciId);
      expect((await admin.request('GET', `/api/v1/cis/${ciId}/history`)).json().items.length).toBe(historyBefore);
      const b = await enrolled();
      expect((await b.sendFull(snapshot)).json().ciId).toBe(ciId);
      expect(await countCis()).toBe(before);
    });

    it('leaves the CMDB untouched when a report fails', async () => {
      const agent = await enrolled();
      const before = await countCis();
      const snapshot = sampleSnapshot({ hostname: 'never-created', system: { serial: 'SN-NEVER' } });
      const res = await agent.request('POST', '/api/v1/agent/inventory', {
        kind: 'full',
        collectedAt: Date.now(),
        hash: 'c'.repeat(64),
        snapshot,
      });
      expect(res.statusCode).toBe(400);
      expect(await countCis()).toBe(before);
      expect((await admin.request('GET', `/api/v1/agents/${agent.agentId}`)).json().ciId).toBeNull();
    });
  });
}
