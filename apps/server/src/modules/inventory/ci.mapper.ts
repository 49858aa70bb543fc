import type { Ci, Criticality, Environment, FieldProvenance, LifecycleStatus } from '@estate/contract';
import { type RawBuilder, sql } from 'kysely';
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

/** A CI row as read to be written straight out as JSON: the JSON columns as their JSON text, and the tags. */
export type CiDocumentRow = Omit<CiRow, 'attributes' | 'custom_fields' | 'provenance'> & {
  attributes: string | null;
  custom_fields: string | null;
  provenance: string | null;
  tags: unknown;
};

const SCALAR_COLUMNS = CI_COLUMNS.filter(
  (c): c is Exclude<(typeof CI_COLUMNS)[number], 'attributes' | 'custom_fields' | 'provenance'> =>
    c !== 'attributes' && c !== 'custom_fields' && c !== 'provenance',
);

/**
 * The columns of {@link CiDocumentRow}: SQLite's JSON columns are text already; PostgreSQL's jsonb is read as its
 * text (`::text`, always valid JSON), so the driver does not parse what the response would only serialise again.
 */
export function ciDocumentColumns(dialect: Dialect): ReadonlyArray<string | RawBuilder<unknown>> {
  if (dialect === 'sqlite') return CI_COLUMNS;
  const text = (column: string) => sql<string>`${sql.ref(`cis.${column}`)}::text`.as(column);
  return [...SCALAR_COLUMNS, text('attributes'), text('custom_fields'), text('provenance')] as never;
}

const str = JSON.stringify as (value: string) => string;
const nullableText = (value: string | null) => (value === null ? 'null' : str(value));
const nullableNumber = (value: unknown) => (value === null ? 'null' : JSON.stringify(Number(value)));
// As toCi, an absent (or JSON null) object is presented as {}.
const object = (json: string | null) => (json === null || json === 'null' ? '{}' : json);

/**
 * Presents a CI row as the JSON text of {@link toCi}'s value (same fields, same order), without parsing the stored
 * JSON only to serialise it again: attributes, custom fields and provenance are written out as stored (every writer
 * stores them as JSON text; jsonb's own text on PostgreSQL). For single reads and pages, where nothing else is done
 * with the CI than answering it.
 */
export function ciDocument(row: CiDocumentRow, dialect: Dialect): string {
  const tags = readJson<string[] | null>(row.tags, dialect) ?? [];
  return `{"id":${str(row.id)},"type":${str(row.type)},"name":${str(row.name)},"status":${str(row.status)},"environment":${nullableText(
    row.environment,
  )},"criticality":${nullableText(row.criticality)},"ownerTeamId":${nullableText(row.owner_team_id)},"locationId":${nullableText(
    row.location_id,
  )},"serial":${nullableText(row.serial)},"assetTag":${nullableText(row.asset_tag)},"manufacturer":${nullableText(
    row.manufacturer,
  )},"model":${nullableText(row.model)},"purchaseDate":${nullableText(row.purchase_date)},"warrantyEnd":${nullableText(
    row.warranty_end,
  )},"endOfLife":${nullableText(row.end_of_life)},"monthlyCost":${nullableNumber(row.monthly_cost)},"tags":${
    tags.length === 0 ? '[]' : JSON.stringify([...tags].sort())
  },"attributes":${object(row.attributes)},"customFields":${object(row.custom_fields)},"provenance":${object(row.provenance)},"firstSeen":${nullableNumber(
    row.first_seen,
  )},"lastSeen":${nullableNumber(row.last_seen)},"createdAt":${Number(row.created_at)},"updatedAt":${Number(row.updated_at)},"version":${Number(
    row.version,
  )}}`;
}

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
