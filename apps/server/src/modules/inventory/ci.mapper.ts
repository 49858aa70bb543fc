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
 * A CI as read to be written straight out as JSON: the JSON texts of its fields before `monthlyCost` and after
 * `tags` (`head`, `tail`: the generated columns of migration 0012), presented here exactly as {@link toCi} presents
 * them. Plus the scalars a cursor or an ETag needs.
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

/**
 * The columns of {@link CiDocumentRow}, for a query over `cis` that also selects `tags` (see `tagsOfCi`). The
 * database keeps each CI's document in two generated columns (stored on PostgreSQL, computed on read on SQLite;
 * migration 0012), so a page of a hundred CIs is a few text columns a row rather than two dozen to convert.
 */
export function ciDocumentColumns(): AliasedRawBuilder<unknown, string>[] {
  return DOCUMENT_COLUMNS;
}

// Constant SQL, written once as raw text: the query builder then has one node to visit per column, not dozens.
const DOCUMENT_COLUMNS = [
  ...(['id', 'name', 'created_at', 'updated_at', 'version', 'monthly_cost'] as const).map((c) => sql.raw(`"cis"."${c}"`).as(c)),
  sql.raw('"cis"."document_head"').as('head'),
  sql.raw('"cis"."document_tail"').as('tail'),
] as AliasedRawBuilder<unknown, string>[];

/**
 * Presents a {@link CiDocumentRow} as the JSON text of {@link toCi}'s value: the same fields in the same order,
 * without parsing the stored JSON only to serialise it again. Both engines write their JSON's strings, integers and
 * stored JSON as JavaScript would mean them; the one float is written here, so its digits are JavaScript's. For
 * single reads and pages, where nothing else is done with the CI than answering it.
 */
export function ciDocument(row: CiDocumentRow, dialect: Dialect): string {
  const tags = row.tags === '[]' ? [] : (readJson<string[] | null>(row.tags, dialect) ?? []);
  const cost = row.monthly_cost === null ? 'null' : JSON.stringify(Number(row.monthly_cost));
  const tagsJson = tags.length === 0 ? '[]' : JSON.stringify([...tags].sort());
  return `${row.head.slice(0, -1)},"monthlyCost":${cost},"tags":${tagsJson},${row.tail.slice(1)}`;
}

/** The fields of a CI before `monthlyCost`, in document order. */
function ciScalars(row: CiRow) {
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
  };
}

/** The fields of a CI after `provenance`, in document order. */
function ciTimes(row: CiRow) {
  return {
    firstSeen: row.first_seen === null ? null : Number(row.first_seen),
    lastSeen: row.last_seen === null ? null : Number(row.last_seen),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}

/** Presents a CI row (and its tags) through the API. */
export function toCi(row: CiRow, tags: string[], dialect: Dialect): Ci {
  return {
    ...ciScalars(row),
    monthlyCost: row.monthly_cost === null ? null : Number(row.monthly_cost),
    tags: [...tags].sort(),
    attributes: readJson<Record<string, unknown>>(row.attributes, dialect) ?? {},
    customFields: readJson<Record<string, unknown>>(row.custom_fields, dialect) ?? {},
    provenance: readJson<Record<string, FieldProvenance>>(row.provenance, dialect) ?? {},
    ...ciTimes(row),
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
