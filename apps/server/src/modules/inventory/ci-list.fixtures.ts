import type { Ci } from '@estate/contract';
import type { Kysely } from 'kysely';
import { newId } from '../../platform/ids';
import { searchTextOf } from './ci.mapper';
import type { InventoryTables } from './inventory.tables';

/** A CI to seed: a name, and whatever else the test cares about. */
export type CiSeed = Partial<Omit<Ci, 'id' | 'provenance' | 'version'>> & { name: string };

let clock = 1_750_000_000_000;

/**
 * Inserts CIs straight into the store (as the CI service would: search text from `searchTextOf`, tags in
 * `ci_tags`), many rows per statement. Times default to a clock that moves one second per CI, so sorts by time
 * are deterministic. Returns the CIs' ids in seed order.
 */
export async function insertCis(
  // biome-ignore lint/suspicious/noExplicitAny: the shared store of the test estate.
  db: Kysely<any>,
  seeds: CiSeed[],
): Promise<string[]> {
  const store = db as Kysely<InventoryTables>;
  const ids: string[] = [];
  const rows = seeds.map((seed) => {
    clock += 1000;
    const createdAt = seed.createdAt ?? clock;
    const id = newId(createdAt);
    ids.push(id);
    const ci = {
      type: seed.type ?? 'physical_server',
      name: seed.name,
      serial: seed.serial ?? null,
      assetTag: seed.assetTag ?? null,
      manufacturer: seed.manufacturer ?? null,
      model: seed.model ?? null,
      tags: seed.tags ?? [],
      attributes: seed.attributes ?? {},
      customFields: seed.customFields ?? {},
    };
    return {
      id,
      type: ci.type,
      name: ci.name,
      status: seed.status ?? 'deployed',
      environment: seed.environment ?? null,
      criticality: seed.criticality ?? null,
      owner_team_id: seed.ownerTeamId ?? null,
      location_id: seed.locationId ?? null,
      serial: ci.serial,
      asset_tag: ci.assetTag,
      manufacturer: ci.manufacturer,
      model: ci.model,
      purchase_date: seed.purchaseDate ?? null,
      warranty_end: seed.warrantyEnd ?? null,
      end_of_life: seed.endOfLife ?? null,
      monthly_cost: seed.monthlyCost ?? null,
      attributes: JSON.stringify(ci.attributes),
      custom_fields: JSON.stringify(ci.customFields),
      provenance: JSON.stringify({}),
      search_text: searchTextOf(ci),
      first_seen: null,
      last_seen: null,
      created_at: createdAt,
      updated_at: seed.updatedAt ?? createdAt,
      version: 1,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await store
      .insertInto('cis')
      .values(rows.slice(i, i + 500))
      .execute();
  }
  const tags = seeds.flatMap((seed, i) => (seed.tags ?? []).map((tag) => ({ ci_id: ids[i] as string, tag })));
  for (let i = 0; i < tags.length; i += 500) {
    await store
      .insertInto('ci_tags')
      .values(tags.slice(i, i + 500))
      .execute();
  }
  return ids;
}
