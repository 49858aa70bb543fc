import type { Relationship, RelationshipTypeInfo } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { insertCis } from './graph.fixtures';
import type { InventoryTables } from './inventory.tables';

const MISSING = '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b';

for (const engine of testEngines()) {
  describe(`relationships on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let db: Kysely<InventoryTables>;
    let ci: Record<string, string>;

    beforeEach(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      db = t.database.db as Kysely<InventoryTables>;
      const seeds = [
        ['site', 'dc1'],
        ['room', 'room-a'],
        ['room', 'room-b'],
        ['room', 'room-c'],
        ['switch', 'sw1'],
        ['physical_server', 'srv1'],
        ['virtual_machine', 'vm1'],
        ['virtual_machine', 'vm2'],
        ['virtual_machine', 'vm3'],
        ['application', 'web'],
        ['licence', 'lic'],
      ] as const;
      const ids = await insertCis(
        db,
        seeds.map(([type, name]) => ({ type, name })),
      );
      ci = Object.fromEntries(seeds.map(([, name], i) => [name, ids[i] as string]));
    });
    afterEach(() => t.close());

    const relate = (type: string, from: string, to: string, agent = admin) =>
      agent.request('POST', '/api/v1/relationships', { type, sourceId: ci[from] ?? from, targetId: ci[to] ?? to });
    const count = async (table: 'relationships' | 'ci_history') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const expectProblem = (res: Awaited<ReturnType<typeof relate>>, status: number) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      return res.json() as { detail: string; type: string };
    };

    it('lists the relationship types with their rules', async () => {
      const res = await admin.request('GET', '/api/v1/relationship-types');
      expect(res.statusCode).toBe(200);
      const items: RelationshipTypeInfo[] = res.json().items;
      expect(items.map((i) => i.id)).toEqual([
        'runs_on',
        'depends_on',
        'connected_to',
        'located_in',
        'member_of',
        'backs_up',
        'licensed_by',
        'supported_by',
        'owned_by',
      ]);
      expect(items.find((i) => i.id === 'runs_on')).toMatchObject({
        name: 'runs on',
        inverseName: 'hosts',
        acyclic: true,
        impacted: 'source',
      });
      expect(items.find((i) => i.id === 'connected_to')).toMatchObject({ symmetric: true, impacted: 'both' });
      expect(items.find((i) => i.id === 'located_in')?.targetTypes).toEqual(['site', 'room', 'rack', 'cloud_resource']);
    });

    it('creates an allowed relationship, audited and in the history of both ends', async () => {
      const res = await relate('runs_on', 'vm1', 'srv1');
      expect(res.statusCode, res.body).toBe(201);
      const rel: Relationship = res.json();
      expect(rel).toMatchObject({
        type: 'runs_on',
        sourceId: ci.vm1,
        targetId: ci.srv1,
        name: 'runs on',
        inverseName: 'hosts',
        source: 'manual',
      });

      const history = await db.selectFrom('ci_history').selectAll().orderBy('id').execute();
      expect(history.map((h) => [h.ci_id, h.kind])).toEqual([
        [ci.vm1, 'related'],
        [ci.srv1, 'related'],
      ]);
      const changes = history.map((h) => (typeof h.changes === 'string' ? JSON.parse(h.changes) : h.changes));
      expect(changes[0]).toEqual([{ field: 'relationship:runs_on', from: null, to: `${ci.srv1} (srv1)` }]);
      expect(changes[1]).toEqual([{ field: 'relationship:hosts', from: null, to: `${ci.vm1} (vm1)` }]);
      expect(history[0]).toMatchObject({ actor_type: 'user', actor_label: 'admin@example.org' });

      const audit = await admin.request('GET', '/api/v1/audit-events?action=relationship.create');
      expect(audit.json().items[0]).toMatchObject({ action: 'relationship.create', targetType: 'relationship', targetId: rel.id });

      const read = await admin.request('GET', `/api/v1/relationships/${rel.id}`);
      expect(read.json()).toEqual(rel);
    });

    it('refuses a type pair the rules do not allow, naming both types, and writes nothing', async () => {
      const problem = expectProblem(await relate('runs_on', 'dc1', 'sw1'), 400);
      expect(problem.detail).toContain('site');
      expect(problem.detail).toContain('switch');
      expectProblem(await relate('located_in', 'srv1', 'vm1'), 400);
      expectProblem(await relate('licensed_by', 'web', 'srv1'), 400);
      expectProblem(await relate('connected_to', 'lic', 'sw1'), 400);
      expect(await count('relationships')).toBe(0);
      expect(await count('ci_history')).toBe(0);
    });

    it('refuses unknown types, self-links and missing CIs', async () => {
      expectProblem(await relate('hosts', 'srv1', 'vm1'), 400);
      expectProblem(await relate('depends_on', 'web', 'web'), 400);
      const missing = expectProblem(await relate('runs_on', 'vm1', MISSING), 404);
      expect(missing.detail).toContain(MISSING);
      expectProblem(await relate('runs_on', MISSING, 'srv1'), 404);
      expect(await count('relationships')).toBe(0);
    });

    it('refuses duplicates, and for connected_to the reversed pair too', async () => {
      expect((await relate('runs_on', 'vm1', 'srv1')).statusCode).toBe(201);
      expectProblem(await relate('runs_on', 'vm1', 'srv1'), 409);
      expect((await relate('connected_to', 'srv1', 'sw1')).statusCode).toBe(201);
      expect(expectProblem(await relate('connected_to', 'sw1', 'srv1'), 409).type).toBe('urn:estate:problem:conflict');
      expectProblem(await relate('connected_to', 'srv1', 'sw1'), 409);
      // A different type between the same two CIs is a different relationship.
      expect((await relate('depends_on', 'vm1', 'srv1')).statusCode).toBe(201);
      expect(await count('relationships')).toBe(3);
    });

    it('refuses a containment cycle, naming its path, and writes nothing', async () => {
      expect((await relate('located_in', 'room-a', 'room-b')).statusCode).toBe(201);
      expect((await relate('located_in', 'room-b', 'room-c')).statusCode).toBe(201);
      const historyBefore = await count('ci_history');
      const problem = expectProblem(await relate('located_in', 'room-c', 'room-a'), 409);
      expect(problem.detail).toContain('cycle');
      expect(problem.detail).toMatch(/room-c .*located in room-a .*located in room-b .*located in room-c/);
      expect(await count('relationships')).toBe(2);
      expect(await count('ci_history')).toBe(historyBefore);
      // Located in something already above is fine: no cycle.
      expect((await relate('located_in', 'room-a', 'room-c')).statusCode).toBe(201);
    });

    it('refuses a runs_on cycle', async () => {
      expect((await relate('runs_on', 'vm1', 'vm2')).statusCode).toBe(201);
      expect((await relate('runs_on', 'vm2', 'vm3')).statusCode).toBe(201);
      expect(expectProblem(await relate('runs_on', 'vm3', 'vm1'), 409).detail).toContain('runs on');
      // depends_on allows cycles (mutual dependencies exist); impact analysis copes with them.
      expect((await relate('depends_on', 'vm3', 'vm1')).statusCode).toBe(201);
      expect((await relate('depends_on', 'vm1', 'vm3')).statusCode).toBe(201);
    });

    it('two concurrent writes that would together close a cycle: exactly one wins', async () => {
      const results = await Promise.all([relate('located_in', 'room-a', 'room-b'), relate('located_in', 'room-b', 'room-a')]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(await count('relationships')).toBe(1);
      const duplicates = await Promise.all([relate('connected_to', 'srv1', 'sw1'), relate('connected_to', 'sw1', 'srv1')]);
      expect(duplicates.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(await count('relationships')).toBe(2);
    });

    it('lists by CI at either end and by type, with keyset pages', async () => {
      await relate('runs_on', 'vm1', 'srv1');
      await relate('runs_on', 'vm2', 'srv1');
      await relate('connected_to', 'srv1', 'sw1');
      await relate('runs_on', 'web', 'vm3');
      const bySrv = await admin.request('GET', `/api/v1/relationships?ciId=${ci.srv1}`);
      expect(bySrv.json().items).toHaveLength(3);
      const byType = await admin.request('GET', `/api/v1/relationships?ciId=${ci.srv1}&type=runs_on`);
      expect(byType.json().items.map((r: Relationship) => r.sourceId)).toEqual([ci.vm1, ci.vm2]);
      // Both ends' names and types come with the list, so clients need no request per row.
      expect(byType.json().items[0]).toMatchObject({
        sourceName: 'vm1',
        sourceType: 'virtual_machine',
        targetName: 'srv1',
        targetType: 'physical_server',
      });
      const first = (await admin.request('GET', '/api/v1/relationships?limit=3')).json();
      expect(first.items).toHaveLength(3);
      const second = (await admin.request('GET', `/api/v1/relationships?limit=3&cursor=${first.nextCursor}`)).json();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect((await admin.request('GET', '/api/v1/relationships?cursor=garbage')).statusCode).toBe(400);
    });

    it('deletes a relationship, audited and in the history of both ends', async () => {
      const rel: Relationship = (await relate('licensed_by', 'web', 'lic')).json();
      const res = await admin.request('DELETE', `/api/v1/relationships/${rel.id}`);
      expect(res.statusCode).toBe(204);
      expect(await count('relationships')).toBe(0);
      const history = await db.selectFrom('ci_history').selectAll().where('kind', '=', 'unrelated').orderBy('id').execute();
      const changes = history.map((h) => [h.ci_id, typeof h.changes === 'string' ? JSON.parse(h.changes) : h.changes]);
      expect(changes).toEqual([
        [ci.web, [{ field: 'relationship:licensed_by', from: `${ci.lic} (lic)`, to: null }]],
        [ci.lic, [{ field: 'relationship:licenses', from: `${ci.web} (web)`, to: null }]],
      ]);
      const audit = await admin.request('GET', '/api/v1/audit-events?action=relationship.delete');
      expect(audit.json().items[0]).toMatchObject({ targetId: rel.id, before: { type: 'licensed_by' } });
      expectProblem(await admin.request('DELETE', `/api/v1/relationships/${rel.id}`), 404);
    });

    it('records on the other end when deleting a CI removes its relationships', async () => {
      await relate('licensed_by', 'web', 'lic');
      const read = await admin.request('GET', `/api/v1/cis/${ci.web}`);
      const res = await admin.request('DELETE', `/api/v1/cis/${ci.web}`, undefined, { 'if-match': read.headers.etag as string });
      expect(res.statusCode, res.body).toBe(204);
      expect(await count('relationships')).toBe(0);
      const history = await db
        .selectFrom('ci_history')
        .selectAll()
        .where('ci_id', '=', ci.lic as string)
        .where('kind', '=', 'unrelated')
        .execute();
      expect(history.map((h) => (typeof h.changes === 'string' ? JSON.parse(h.changes) : h.changes))).toEqual([
        [{ field: 'relationship:licenses', from: `${ci.web} (web)`, to: null }],
      ]);
    });

    it('holds callers to their permissions', async () => {
      const viewer = await t.userWithRole('viewer');
      const operator = await t.userWithRole('operator');
      expect((await viewer.request('GET', '/api/v1/relationships')).statusCode).toBe(200);
      expect((await viewer.request('GET', '/api/v1/relationship-types')).statusCode).toBe(200);
      expectProblem(await relate('runs_on', 'vm1', 'srv1', viewer), 403);
      expectProblem(await relate('runs_on', 'vm1', 'srv1', t.anonymous()), 401);
      const created = await relate('runs_on', 'vm1', 'srv1', operator);
      expect(created.statusCode).toBe(201);
      expectProblem(await viewer.request('DELETE', `/api/v1/relationships/${created.json().id}`), 403);
      expect(await count('relationships')).toBe(1);
    });
  });
}
