import type { Kysely } from 'kysely';
import { newId } from '../../platform/ids';
import type { CisTable, InventoryTables } from './inventory.tables';

/** The fields a test CI may set; everything else takes a plain default. */
export interface CiSeed {
  type: string;
  name: string;
  status?: string;
  warrantyEnd?: string | null;
  endOfLife?: string | null;
  monthlyCost?: number | null;
  attributes?: Record<string, unknown>;
}

function ciRow(seed: CiSeed, at: number): CisTable {
  return {
    id: newId(at),
    type: seed.type,
    name: seed.name,
    status: seed.status ?? 'deployed',
    environment: null,
    criticality: null,
    owner_team_id: null,
    location_id: null,
    serial: null,
    asset_tag: null,
    manufacturer: null,
    model: null,
    purchase_date: null,
    warranty_end: seed.warrantyEnd ?? null,
    end_of_life: seed.endOfLife ?? null,
    monthly_cost: seed.monthlyCost ?? null,
    attributes: JSON.stringify(seed.attributes ?? {}),
    custom_fields: '{}',
    provenance: '{}',
    search_text: `${seed.name} ${seed.type}`.toLowerCase(),
    first_seen: null,
    last_seen: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

/** Inserts CIs straight into the store (no service, no history) in batches; returns their ids in order. */
export async function insertCis(db: Kysely<InventoryTables>, seeds: CiSeed[]): Promise<string[]> {
  const at = Date.now();
  const rows = seeds.map((s) => ciRow(s, at));
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('cis')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.map((r) => r.id);
}

/** Inserts relationships `[type, sourceId, targetId]` straight into the store, bypassing the rules. */
export async function insertRelationships(db: Kysely<InventoryTables>, edges: Array<[string, string, string]>): Promise<string[]> {
  const at = Date.now();
  const rows = edges.map(([type, source_id, target_id]) => ({
    id: newId(at),
    type,
    source_id,
    target_id,
    source: 'manual',
    created_at: at,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('relationships')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows.map((r) => r.id);
}

/** The CIs of the small data centre, by name. */
export type DataCentre = Record<(typeof DATA_CENTRE_CIS)[number][1], string>;

const DATA_CENTRE_CIS = [
  ['site', 'dc1'],
  ['room', 'room1'],
  ['rack', 'rack1'],
  ['rack', 'rack2'],
  ['router', 'rt1'],
  ['switch', 'sw1'],
  ['switch', 'sw2'],
  ['physical_server', 'srv1'],
  ['physical_server', 'srv2'],
  ['physical_server', 'srv3'],
  ['virtual_machine', 'vm1'],
  ['virtual_machine', 'vm2'],
  ['virtual_machine', 'vm3'],
  ['virtual_machine', 'vm4'],
  ['application', 'web'],
  ['application', 'api'],
  ['application', 'reporting'],
  ['database', 'db'],
  ['business_service', 'shop'],
  ['business_service', 'reports'],
  ['team', 'ops'],
] as const;

/**
 * A small data centre: dc1 ⊃ room1 ⊃ rack1 (rt1, sw1, sw2, srv1, srv2) and rack2 (srv3). rt1, sw1 and sw2 are linked
 * in a triangle (a cycle of `connected_to`); srv1 hangs off sw1 and sw2, srv2 off sw1, srv3 off sw2. vm1 and vm2 run
 * on srv1, vm3 on srv2, vm4 on srv3; web on vm1, db on vm2, api on vm3, reporting on vm4; web depends on api, api on
 * db; the shop business service depends on web, reports on reporting. ops owns the shop (no impact).
 */
export async function buildDataCentre(db: Kysely<InventoryTables>): Promise<DataCentre> {
  const ids = await insertCis(
    db,
    DATA_CENTRE_CIS.map(([type, name]) => ({ type, name })),
  );
  const dc = Object.fromEntries(DATA_CENTRE_CIS.map(([, name], i) => [name, ids[i] as string])) as DataCentre;
  const e = (type: string, from: keyof DataCentre, to: keyof DataCentre): [string, string, string] => [type, dc[from], dc[to]];
  await insertRelationships(db, [
    e('located_in', 'room1', 'dc1'),
    e('located_in', 'rack1', 'room1'),
    e('located_in', 'rack2', 'room1'),
    e('located_in', 'rt1', 'rack1'),
    e('located_in', 'sw1', 'rack1'),
    e('located_in', 'sw2', 'rack1'),
    e('located_in', 'srv1', 'rack1'),
    e('located_in', 'srv2', 'rack1'),
    e('located_in', 'srv3', 'rack2'),
    e('connected_to', 'rt1', 'sw1'),
    e('connected_to', 'sw1', 'sw2'),
    e('connected_to', 'sw2', 'rt1'),
    e('connected_to', 'srv1', 'sw1'),
    e('connected_to', 'sw2', 'srv1'),
    e('connected_to', 'srv2', 'sw1'),
    e('connected_to', 'srv3', 'sw2'),
    e('runs_on', 'vm1', 'srv1'),
    e('runs_on', 'vm2', 'srv1'),
    e('runs_on', 'vm3', 'srv2'),
    e('runs_on', 'vm4', 'srv3'),
    e('runs_on', 'web', 'vm1'),
    e('runs_on', 'db', 'vm2'),
    e('runs_on', 'api', 'vm3'),
    e('runs_on', 'reporting', 'vm4'),
    e('depends_on', 'web', 'api'),
    e('depends_on', 'api', 'db'),
    e('depends_on', 'shop', 'web'),
    e('depends_on', 'reports', 'reporting'),
    e('owned_by', 'shop', 'ops'),
  ]);
  return dc;
}

/**
 * A generated graph of `size` applications in a ternary tree: node i (i ≥ 1) depends on node ⌊(i−1)/3⌋, so node 0's
 * failure impacts all of them, node i at its tree level. Every seventh node's parent also depends on it, adding
 * two-node `depends_on` cycles. Returns the ids (index = node number) and each node's level.
 */
export async function buildGeneratedGraph(db: Kysely<InventoryTables>, size: number): Promise<{ ids: string[]; levels: number[] }> {
  const ids = await insertCis(
    db,
    Array.from({ length: size }, (_, i) => ({ type: i % 50 === 49 ? 'business_service' : 'application', name: `node-${i}` })),
  );
  const levels = [0];
  const edges: Array<[string, string, string]> = [];
  for (let i = 1; i < size; i++) {
    const parent = Math.floor((i - 1) / 3);
    levels.push((levels[parent] as number) + 1);
    edges.push(['depends_on', ids[i] as string, ids[parent] as string]);
    if (i % 7 === 0) edges.push(['depends_on', ids[parent] as string, ids[i] as string]);
  }
  await insertRelationships(db, edges);
  return { ids, levels };
}
