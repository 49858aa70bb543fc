import type { Kysely } from 'kysely';
import { searchTextOf } from '../../apps/server/src/modules/inventory/ci.mapper';

/** Sizes of a generated estate. The full benchmark uses 100k CIs and 300k relationships. */
export interface EstateSize {
  cis: number;
  relationships: number;
}

/** Ids of notable CIs in a generated estate, for the queries a benchmark runs. */
export interface GeneratedEstate {
  anyServerId: string;
  aSwitchId: string;
  cis: number;
  relationships: number;
}

function idFor(n: number): string {
  // A valid UUIDv7 shape that sorts by n.
  const hex = n.toString(16).padStart(20, '0');
  return `0190b000-${hex.slice(0, 4)}-7${hex.slice(4, 7)}-8${hex.slice(7, 10)}-${hex.slice(10, 20).padStart(12, '0')}`;
}

/**
 * Fills an empty, migrated store with a synthetic data centre estate: sites, rooms, racks, switches, servers in
 * racks, VMs on servers, databases and applications on VMs, business services on applications; relationships
 * runs_on, located_in, connected_to and depends_on up to the requested count. Writes directly with batched
 * INSERTs (it is a fixture generator, not a test of the write path). Deterministic.
 */
// biome-ignore lint/suspicious/noExplicitAny: writes every inventory table.
export async function generateEstate(db: Kysely<any>, size: EstateSize): Promise<GeneratedEstate> {
  const now = Date.now();
  let next = 1;
  const byType: Record<string, string[]> = {};
  const rows: Record<string, unknown>[] = [];
  const plan: Array<[string, number]> = [
    ['site', Math.max(2, Math.round(size.cis * 0.0001))],
    ['room', Math.max(4, Math.round(size.cis * 0.001))],
    ['rack', Math.max(8, Math.round(size.cis * 0.01))],
    ['switch', Math.max(4, Math.round(size.cis * 0.002))],
    ['physical_server', Math.round(size.cis * 0.1)],
    ['database', Math.round(size.cis * 0.05)],
    ['application', Math.round(size.cis * 0.2)],
    ['business_service', Math.max(2, Math.round(size.cis * 0.005))],
  ];
  const planned = plan.reduce((n, [, c]) => n + c, 0);
  plan.push(['virtual_machine', Math.max(1, size.cis - planned)]);
  const statuses = ['deployed', 'deployed', 'deployed', 'in_maintenance', 'in_stock', 'retired'];
  const environments = ['production', 'staging', 'test', 'development'];
  for (const [type, count] of plan) {
    byType[type] = [];
    for (let i = 0; i < count; i++) {
      const id = idFor(next++);
      byType[type].push(id);
      const name = `${type.replace('_', '-')}-${String(i).padStart(6, '0')}`;
      const attributes =
        type === 'physical_server' || type === 'virtual_machine'
          ? {
              hostname: name,
              ipAddresses: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
              cpuCores: 2 + (i % 32),
              memoryGb: 4 * (1 + (i % 64)),
            }
          : {};
      const serial = type === 'physical_server' || type === 'switch' ? `SN${String(i).padStart(8, '0')}` : null;
      rows.push({
        id,
        type,
        name,
        status: statuses[i % statuses.length],
        environment: environments[i % environments.length],
        criticality: null,
        owner_team_id: null,
        location_id: null,
        serial,
        asset_tag: null,
        manufacturer: null,
        model: null,
        purchase_date: null,
        warranty_end: type === 'physical_server' ? `202${6 + (i % 4)}-0${1 + (i % 9)}-15` : null,
        end_of_life: null,
        monthly_cost: type === 'physical_server' ? 100 + (i % 900) : null,
        attributes: JSON.stringify(attributes),
        custom_fields: '{}',
        provenance: '{}',
        search_text: searchTextOf({
          name,
          type,
          serial,
          assetTag: null,
          manufacturer: null,
          model: null,
          tags: [],
          attributes,
          customFields: {},
        }),
        first_seen: null,
        last_seen: null,
        created_at: now,
        updated_at: now,
        version: 1,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('cis')
      .values(rows.slice(i, i + 500))
      .execute();

  const rels = new Map<string, Record<string, unknown>>();
  const add = (type: string, source: string | undefined, target: string | undefined) => {
    if (!source || !target || source === target || rels.size >= size.relationships) return;
    const key = `${type}|${source}|${target}`;
    if (!rels.has(key)) rels.set(key, { id: idFor(next++), type, source_id: source, target_id: target, source: 'manual', created_at: now });
  };
  const pick = (list: string[] | undefined, n: number) => (list && list.length > 0 ? list[n % list.length] : undefined);
  const t = byType;
  t.room?.forEach((id, i) => {
    add('located_in', id, pick(t.site, i));
  });
  t.rack?.forEach((id, i) => {
    add('located_in', id, pick(t.room, i));
  });
  t.physical_server?.forEach((id, i) => {
    add('located_in', id, pick(t.rack, i));
    add('connected_to', id, pick(t.switch, i));
    add('connected_to', id, pick(t.switch, i + 1));
  });
  t.virtual_machine?.forEach((id, i) => {
    add('runs_on', id, pick(t.physical_server, i));
  });
  t.database?.forEach((id, i) => {
    add('runs_on', id, pick(t.virtual_machine, i * 7));
  });
  t.application?.forEach((id, i) => {
    add('runs_on', id, pick(t.virtual_machine, i * 3));
    add('depends_on', id, pick(t.database, i));
  });
  t.business_service?.forEach((id, i) => {
    for (let k = 0; k < 20; k++) add('depends_on', id, pick(t.application, i * 20 + k));
  });
  // Fill the rest with application-to-application dependencies, a sparse random-looking graph.
  const apps = t.application ?? [];
  // mulberry32, in 32-bit integer arithmetic: a plain LCG in doubles loses its low bits past 2^53 and falls into a
  // short cycle, which repeated the same pairs and left the graph at about half the asked-for size.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const vms = t.virtual_machine ?? [];
  for (let i = 0; rels.size < size.relationships && i < size.relationships * 4; i++) {
    // Mostly applications depending on applications, some VMs depending on VMs (clusters).
    const pool = i % 3 === 0 ? vms : apps;
    add('depends_on', pool[Math.floor(random() * pool.length)], pool[Math.floor(random() * pool.length)]);
  }
  const relRows = [...rels.values()];
  for (let i = 0; i < relRows.length; i += 1000)
    await db
      .insertInto('relationships')
      .values(relRows.slice(i, i + 1000))
      .execute();
  return {
    anyServerId: (t.physical_server ?? [])[Math.floor((t.physical_server?.length ?? 1) / 2)] as string,
    aSwitchId: (t.switch ?? [])[0] as string,
    cis: rows.length,
    relationships: relRows.length,
  };
}
