import type { Ci, Criticality, Environment, FieldProvenance, LifecycleStatus } from '@estate/contract';
import { type AliasedRawBuilder, sql } from 'kysely';
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

/**
 * A CI as read to be written straight out as JSON: the database builds the JSON of its fields before and after
 * `monthlyCost` and `tags` (`head`, `tail`), which are presented here exactly as {@link toCi} presents them. Plus
 * the scalars a cursor or an ETag needs.
 */
export interface CiDocumentRow {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  version: number;
  monthly_cost: number | null;
  tags: unknown;
  head: string;
  tail: string;
}

const HEAD_FIELDS = [
  ['id', 'id'],
  ['type', 'type'],
  ['name', 'name'],
  ['status', 'status'],
  ['environment', 'environment'],
  ['criticality', 'criticality'],
  ['ownerTeamId', 'owner_team_id'],
  ['locationId', 'location_id'],
  ['serial', 'serial'],
  ['assetTag', 'asset_tag'],
  ['manufacturer', 'manufacturer'],
  ['model', 'model'],
  ['purchaseDate', 'purchase_date'],
  ['warrantyEnd', 'warranty_end'],
  ['endOfLife', 'end_of_life'],
] as const;
const JSON_FIELDS = [
  ['attributes', 'attributes'],
  ['customFields', 'custom_fields'],
  ['provenance', 'provenance'],
] as const;
const TAIL_FIELDS = [
  ['firstSeen', 'first_seen'],
  ['lastSeen', 'last_seen'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['version', 'version'],
] as const;

/**
 * The columns of {@link CiDocumentRow}, for a query over `cis` that also selects `tags` (see `tagsOfCi`). Every
 * value in `head` and `tail` is text, an integer or stored JSON (SQLite's `json()` of the stored text, PostgreSQL's
 * jsonb), which both engines write as JSON exactly as JavaScript would mean it; the one float is left to
 * {@link ciDocument}, so its digits are JavaScript's.
 */
export function ciDocumentColumns(dialect: Dialect): AliasedRawBuilder<unknown, keyof CiDocumentRow>[] {
  const cached = documentColumns.get(dialect);
  if (cached) return cached;
  // Constant SQL, written once as raw text: the query builder then has one node to visit per column, not dozens.
  const ref = (column: string) => `"cis"."${column}"`;
  const pair = ([key, column]: readonly [string, string]) => `'${key}', ${ref(column)}`;
  const jsonPair = ([key, column]: readonly [string, string]) =>
    dialect === 'sqlite' ? `'${key}', json(${ref(column)})` : pair([key, column]);
  const object = (pairs: string[]) =>
    dialect === 'sqlite' ? `json_object(${pairs.join(', ')})` : `json_build_object(${pairs.join(', ')})::text`;
  const columns = [
    ...(['id', 'name', 'created_at', 'updated_at', 'version', 'monthly_cost'] as const).map((c) => sql.raw(ref(c)).as(c)),
    sql.raw<string>(object(HEAD_FIELDS.map(pair))).as('head'),
    sql.raw<string>(object([...JSON_FIELDS.map(jsonPair), ...TAIL_FIELDS.map(pair)])).as('tail'),
  ];
  documentColumns.set(dialect, columns);
  return columns;
}

const documentColumns = new Map<Dialect, AliasedRawBuilder<unknown, keyof CiDocumentRow>[]>();

/**
 * Presents a {@link CiDocumentRow} as the JSON text of {@link toCi}'s value: the same fields in the same order,
 * without parsing the stored JSON only to serialise it again. For single reads and pages, where nothing else is
 * done with the CI than answering it.
 */
export function ciDocument(row: CiDocumentRow, dialect: Dialect): string {
  const tags = row.tags === '[]' ? [] : (readJson<string[] | null>(row.tags, dialect) ?? []);
  const cost = row.monthly_cost === null ? 'null' : JSON.stringify(Number(row.monthly_cost));
  const tagsJson = tags.length === 0 ? '[]' : JSON.stringify([...tags].sort());
  return `${row.head.slice(0, -1)},"monthlyCost":${cost},"tags":${tagsJson},${row.tail.slice(1)}`;
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
