import type { ImpactResult } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { buildDataCentre, buildGeneratedGraph, type DataCentre } from './graph.fixtures';
import { ImpactService } from './impact.service';
import type { InventoryTables } from './inventory.tables';

for (const engine of testEngines()) {
  describe(`impact analysis on ${engine.dialect}`, () => {
    let t: TestEstate;
    let viewer: Agent;
    let db: Kysely<InventoryTables>;
    let dc: DataCentre;
    let names: Map<string, string>;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      await t.setupAdmin();
      viewer = await t.userWithRole('viewer');
      db = t.database.db as Kysely<InventoryTables>;
      dc = await buildDataCentre(db);
      names = new Map(Object.entries(dc).map(([name, id]) => [id, name]));
    });
    afterAll(() => t?.close());

    const impact = async (ci: keyof DataCentre, query: string): Promise<ImpactResult> => {
      const res = await viewer.request('GET', `/api/v1/cis/${dc[ci]}/impact?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    /** Node names (root left out) with their depth. */
    const reached = (result: ImpactResult) =>
      Object.fromEntries(result.nodes.filter((n) => n.id !== result.root).map((n) => [names.get(n.id), n.depth]));

    it('a switch failing impacts the servers connected to it, their VMs, apps and business services', async () => {
      const result = await impact('sw1', 'direction=downstream&depth=5');
      expect(result.root).toBe(dc.sw1);
      expect(result.nodes[0]).toMatchObject({ id: dc.sw1, depth: 0, type: 'switch', name: 'sw1' });
      expect(reached(result)).toEqual({
        rt1: 1,
        sw2: 1,
        srv1: 1,
        srv2: 1,
        srv3: 2,
        vm1: 2,
        vm2: 2,
        vm3: 2,
        vm4: 3,
        web: 3,
        db: 3,
        api: 3,
        reporting: 4,
        shop: 4,
        reports: 5,
      });
      expect(result.affectedServices.map((s) => s.name).sort()).toEqual(['reports', 'shop']);
      expect(result.affectedServices.find((s) => s.name === 'shop')).toMatchObject({ type: 'business_service', depth: 4 });
      expect(result.truncated).toBe(false);
    });

    it('honours the depth limit', async () => {
      const one = await impact('sw1', 'direction=downstream&depth=1');
      expect(reached(one)).toEqual({ rt1: 1, sw2: 1, srv1: 1, srv2: 1 });
      expect(one.affectedServices).toEqual([]);
      const three = await impact('sw1', 'direction=downstream&depth=3');
      expect(Object.keys(reached(three)).sort()).toEqual([
        'api',
        'db',
        'rt1',
        'srv1',
        'srv2',
        'srv3',
        'sw2',
        'vm1',
        'vm2',
        'vm3',
        'vm4',
        'web',
      ]);
      expect(Math.max(...three.nodes.map((n) => n.depth))).toBe(3);
    });

    it('a server failing does not take its switch down: impact crosses a link only from the network side', async () => {
      const result = await impact('srv2', 'direction=downstream&depth=10');
      expect(reached(result)).toEqual({ vm3: 1, api: 2, web: 3, shop: 4 });
    });

    it('upstream is what the CI needs', async () => {
      const result = await impact('web', 'direction=upstream&depth=2');
      expect(reached(result)).toEqual({ vm1: 1, api: 1, srv1: 2, vm3: 2, db: 2 });
      expect(result.affectedServices).toEqual([]);
      const deeper = await impact('web', 'direction=upstream&depth=4');
      expect(reached(deeper)).toMatchObject({ sw1: 3, sw2: 3, rack1: 3, room1: 4 });
    });

    it('both directions combine, each node at its nearest depth; ownership carries no impact', async () => {
      const result = await impact('sw1', 'depth=5');
      expect(reached(result)).toMatchObject({ rack1: 1, room1: 2, dc1: 3, srv1: 1, shop: 4 });
      expect(Object.keys(reached(result))).not.toContain('ops');
      const shop = await impact('shop', 'direction=upstream&depth=10');
      expect(Object.keys(reached(shop))).not.toContain('ops');
      expect(new Set(result.nodes.map((n) => n.id)).size).toBe(result.nodes.length);
    });

    it('a rack failing impacts what is located in it and on from there', async () => {
      const result = await impact('rack2', 'direction=downstream&depth=10');
      expect(reached(result)).toEqual({ srv3: 1, vm4: 2, reporting: 3, reports: 4 });
      expect(result.affectedServices.map((s) => s.name)).toEqual(['reports']);
    });

    it('follows only the requested relationship types', async () => {
      const hosting = await impact('srv1', 'direction=downstream&depth=10&types=runs_on');
      expect(reached(hosting)).toEqual({ vm1: 1, vm2: 1, web: 2, db: 2 });
      const more = await impact('srv1', 'direction=downstream&depth=10&types=runs_on,depends_on');
      expect(reached(more)).toEqual({ vm1: 1, vm2: 1, web: 2, db: 2, api: 3, shop: 3 });
      expect(more.affectedServices.map((s) => s.name)).toEqual(['shop']);
      expect(more.edges.every((e) => e.type === 'runs_on' || e.type === 'depends_on')).toBe(true);
    });

    it('returns the followed edges between the nodes', async () => {
      const result = await impact('sw1', 'direction=downstream&depth=1&types=connected_to');
      const edges = result.edges.map((e) => [names.get(e.sourceId), names.get(e.targetId)].sort().join('-')).sort();
      expect(edges).toEqual(['rt1-sw1', 'rt1-sw2', 'srv1-sw1', 'srv1-sw2', 'srv2-sw1', 'sw1-sw2']);
    });

    it('cycles in connected_to do not loop', async () => {
      const result = await impact('rt1', 'direction=both&depth=10&types=connected_to');
      expect(reached(result)).toEqual({ sw1: 1, sw2: 1, srv1: 2, srv2: 2, srv3: 2 });
    });

    it('answers problems for bad input', async () => {
      const missing = await viewer.request('GET', '/api/v1/cis/0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b/impact');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      const unknownType = await viewer.request('GET', `/api/v1/cis/${dc.sw1}/impact?types=runs_on,hosts`);
      expect(unknownType.statusCode).toBe(400);
      expect(unknownType.json().detail).toContain('hosts');
      expect((await viewer.request('GET', `/api/v1/cis/${dc.sw1}/impact?depth=11`)).statusCode).toBe(400);
      expect((await viewer.request('GET', `/api/v1/cis/${dc.sw1}/impact?direction=sideways`)).statusCode).toBe(400);
      expect((await t.anonymous().request('GET', `/api/v1/cis/${dc.sw1}/impact`)).statusCode).toBe(401);
    });

    describe('a generated graph of 2,000 CIs', () => {
      let graph: { ids: string[]; levels: number[] };
      beforeAll(async () => {
        graph = await buildGeneratedGraph(db, 2000);
      });

      it('answers correctly, every node at its level', async () => {
        const res = await viewer.request('GET', `/api/v1/cis/${graph.ids[0]}/impact?direction=downstream&depth=10`);
        expect(res.statusCode).toBe(200);
        const result: ImpactResult = res.json();
        expect(result.truncated).toBe(false);
        expect(result.nodes).toHaveLength(2000);
        const index = new Map(graph.ids.map((id, i) => [id, i]));
        for (const node of result.nodes) expect(node.depth).toBe(graph.levels[index.get(node.id) as number]);
        expect(result.affectedServices).toHaveLength(40);
        const shallow: ImpactResult = (
          await viewer.request('GET', `/api/v1/cis/${graph.ids[0]}/impact?direction=downstream&depth=3`)
        ).json();
        expect(shallow.nodes).toHaveLength(1 + 3 + 9 + 27);
        const up: ImpactResult = (await viewer.request('GET', `/api/v1/cis/${graph.ids[1999]}/impact?direction=upstream&depth=10`)).json();
        expect(up.nodes.find((n) => n.id === graph.ids[0])?.depth).toBe(graph.levels[1999]);
      });

      it('is truncated, closest nodes first, when over the cap', async () => {
        const capped = new ImpactService(db, { maxNodes: 500, maxEdges: 20_000 });
        const result = await capped.impact(graph.ids[0] as string, { direction: 'downstream', depth: 10 });
        expect(result.truncated).toBe(true);
        expect(result.nodes).toHaveLength(500);
        // Levels 0–5 hold 364 nodes: all of them are in, and nothing deeper than level 6.
        const depths = result.nodes.map((n) => n.depth);
        expect(depths.filter((d) => d <= 5)).toHaveLength(364);
        expect(Math.max(...depths)).toBe(6);
        const kept = new Set(result.nodes.map((n) => n.id));
        expect(result.edges.every((e) => kept.has(e.sourceId) && kept.has(e.targetId))).toBe(true);
      });
    });
  });
}
