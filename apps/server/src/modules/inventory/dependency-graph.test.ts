import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { cutOffBy, readDependencyGraph } from './dependency-graph';
import type { InventoryTables } from './inventory.tables';

describe.each(testEngines())('the dependency graph on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  const ids: Record<string, string> = {};

  const ci = async (name: string, type: string) => {
    const res = await admin.request('POST', '/api/v1/cis', { name, type });
    expect(res.statusCode, res.body).toBe(201);
    ids[name] = res.json().id;
  };
  const link = async (type: string, source: string, target: string) => {
    const res = await admin.request('POST', '/api/v1/relationships', { type, sourceId: ids[source], targetId: ids[target] });
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    await ci('core', 'switch');
    await ci('edge', 'switch');
    await ci('host-1', 'physical_server');
    await ci('vm-1', 'virtual_machine');
    await ci('billing', 'application');
    await ci('billing-db', 'database');
    await ci('licence-1', 'licence');
    await link('connected_to', 'host-1', 'core');
    await link('connected_to', 'edge', 'host-1');
    await link('runs_on', 'vm-1', 'host-1');
    await link('runs_on', 'billing', 'vm-1');
    await link('depends_on', 'billing', 'billing-db');
    await link('licensed_by', 'billing', 'licence-1');
  });
  afterAll(() => t?.close());

  it('reads who needs whom from the relationship rules: links from network gear, hosts under workloads, not licences', async () => {
    const graph = await readDependencyGraph(t.database.db as unknown as Kysely<InventoryTables>);
    const providers = (name: string) =>
      (graph.needs.get(ids[name] as string) ?? []).map((g) => [g.type, g.redundant, g.providers.map((p) => graph.names.get(p)).sort()]);
    // connected_to is stored either way round; the switch end is the provider both times.
    expect(providers('host-1')).toEqual([['connected_to', true, ['core', 'edge']]]);
    expect(providers('vm-1')).toEqual([['runs_on', false, ['host-1']]]);
    expect(providers('billing').sort()).toEqual([
      ['depends_on', false, ['billing-db']],
      ['runs_on', false, ['vm-1']],
    ]);
    expect(providers('core')).toEqual([]);

    const down = (...names: string[]) => new Set(names.map((n) => ids[n] as string));
    const causes = (name: string, set: Set<string>) => cutOffBy(graph, ids[name] as string, set).map((id) => graph.names.get(id));
    expect(causes('host-1', down('core'))).toEqual([]); // one of two uplinks
    expect(causes('host-1', down('core', 'edge')).sort()).toEqual(['core', 'edge']);
    expect(causes('billing', down('core', 'edge')).sort()).toEqual(['core', 'edge']); // through vm-1 and host-1
    expect(causes('billing', down('billing-db'))).toEqual(['billing-db']);
    expect(causes('billing', down('host-1'))).toEqual(['host-1']);
  });
});
