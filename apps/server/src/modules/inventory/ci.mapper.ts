import type { Ci, Criticality, Environment, FieldProvenance, LifecycleStatus } from '@estate/contract';
import { type Dialect, readJson } from '../../platform/db/database';
import type { CisTable } from './inventory.tables';

/** API field name → column name, for the typed common fields. */
export const COMMON_COLUMNS = {
  name: 'name',
  status: 'status',
  environment: 'environment',
  criticality: 'criticality',
  ownerTeamId: 'owner_team_id',
  locationId: 'location_id',
  serial: 'serial',
  assetTag: 'asset_tag',
  manufacturer: 'manufacturer',
  model: 'model',
  purchaseDate: 'purchase_date',
  warrantyEnd: 'warranty_end',
  endOfLife: 'end_of_life',
  monthlyCost: 'monthly_cost',
} as const satisfies Record<string, keyof CisTable>;

export type CommonField = keyof typeof COMMON_COLUMNS;

/** A CI row as read for presenting: every column but the search text. */
export type CiRow = Omit<CisTable, 'search_text'>;

/** The columns read to present a CI (never the search text, nor PostgreSQL's generated search vector). */
export const CI_COLUMNS = [
  'id',
  'type',
  'name',
  'status',
  'environment',
  'criticality',
  'owner_team_id',
  'location_id',
  'serial',
  'asset_tag',
  'manufacturer',
  'model',
  'purchase_date',
  'warranty_end',
  'end_of_life',
  'monthly_cost',
  'attributes',
  'custom_fields',
  'provenance',
  'first_seen',
  'last_seen',
  'created_at',
  'updated_at',
  'version',
] as const satisfies ReadonlyArray<keyof CiRow>;

/** Presents a CI row (and its tags) through the API. */
export function toCi(row: CiRow, tags: string[], dialect: Dialect): Ci {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status as LifecycleStatus,
    environment: row.environment as Environment | null,
    criticality: row.criticality as Criticality | null,
    ownerTeamId: row.owner_team_id,
    locationId: row.location_id,
    serial: row.serial,
    assetTag: row.asset_tag,
    manufacturer: row.manufacturer,
    model: row.model,
    purchaseDate: row.purchase_date,
    warrantyEnd: row.warranty_end,
    endOfLife: row.end_of_life,
    monthlyCost: row.monthly_cost === null ? null : Number(row.monthly_cost),
    tags: [...tags].sort(),
    attributes: readJson<Record<string, unknown>>(row.attributes, dialect) ?? {},
    customFields: readJson<Record<string, unknown>>(row.custom_fields, dialect) ?? {},
    provenance: readJson<Record<string, FieldProvenance>>(row.provenance, dialect) ?? {},
    firstSeen: row.first_seen === null ? null : Number(row.first_seen),
    lastSeen: row.last_seen === null ? null : Number(row.last_seen),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}

/**
 * The lower-cased text a CI is found by: name, type, serial, asset tag, manufacturer, model, tags, and every
 * scalar inside attributes and custom fields (so IP addresses, MACs and hostnames are searchable).
 */
export function searchTextOf(
  ci: Pick<Ci, 'name' | 'type' | 'serial' | 'assetTag' | 'manufacturer' | 'model' | 'tags' | 'attributes' | 'customFields'>,
): string {
  const parts: string[] = [ci.name, ci.type, ci.serial ?? '', ci.assetTag ?? '', ci.manufacturer ?? '', ci.model ?? '', ...ci.tags];
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
  };
  walk(ci.attributes);
  walk(ci.customFields);
  return parts
    .filter((p) => p.length > 0)
    .join(' ')
    .toLowerCase()
    .slice(0, 20_000);
}
