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
  /** SQLite: the fields before `monthlyCost`, as one JSON object's text. */
  head?: string;
  /** SQLite: the fields after `tags`, as one JSON object's text. */
  tail?: string;
  /** PostgreSQL: the head's scalar columns and the stored JSON columns as text, joined here (see ciDocument). */
  [column: string]: unknown;
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

/** Where a CI document's JSON is joined: by the database (`head` and `tail`), or in JavaScript from raw columns. */
export type DocumentJoin = 'database' | 'javascript';

/**
 * The columns of {@link CiDocumentRow}, for a query over `cis` that also selects `tags` (see `tagsOfCi`).
 *
 * Joined by the database, every value in `head` and `tail` is text, an integer or stored JSON (SQLite's `json()` of
 * the stored text, PostgreSQL's jsonb), which both engines write as JSON exactly as JavaScript would mean it; the one
 * float is left to {@link ciDocument}, so its digits are JavaScript's. SQLite always joins in the database (it is
 * in-process and cheap there). On PostgreSQL `json_build_object` costs about 5 µs a row of the server's CPU, shared by
 * every process, against about 3 µs of ours in JavaScript, while nine columns instead of twenty-four save the driver
 * per-column work on every statement: a single read joins in the database, a page of many rows in JavaScript.
 */
export function ciDocumentColumns(dialect: Dialect, join: DocumentJoin = 'database'): AliasedRawBuilder<unknown, string>[] {
  const key = `${dialect}:${dialect === 'sqlite' ? 'database' : join}`;
  const cached = documentColumns.get(key);
  if (cached) return cached;
  // Constant SQL, written once as raw text: the query builder then has one node to visit per column, not dozens.
  const ref = (column: string) => `"cis"."${column}"`;
  const raw = (expression: string, alias: string) => sql.raw(expression).as(alias) as AliasedRawBuilder<unknown, string>;
  const keys = ['id', 'name', 'created_at', 'updated_at', 'version', 'monthly_cost'] as const;
  const object = (pairs: string[]) =>
    dialect === 'sqlite' ? `json_object(${pairs.join(', ')})` : `json_build_object(${pairs.join(', ')})::text`;
  const pair = ([name, column]: readonly [string, string]) => `'${name}', ${ref(column)}`;
  const jsonPair = ([name, column]: readonly [string, string]) =>
    dialect === 'sqlite' ? `'${name}', json(${ref(column)})` : pair([name, column]);
  const columns =
    dialect === 'sqlite' || join === 'database'
      ? [
          ...keys.map((c) => raw(ref(c), c)),
          raw(object(HEAD_FIELDS.map(pair)), 'head'),
          raw(object([...JSON_FIELDS.map(jsonPair), ...TAIL_FIELDS.map(pair)]), 'tail'),
        ]
      : [...new Set<string>([...keys, ...HEAD_FIELDS.map(([, column]) => column), ...TAIL_FIELDS.map(([, column]) => column)])]
          .map((c) => raw(ref(c), c))
          .concat(JSON_FIELDS.map(([, column]) => raw(`${ref(column)}::text`, column)));
  documentColumns.set(key, columns);
  return columns;
}

const documentColumns = new Map<string, AliasedRawBuilder<unknown, string>[]>();

/**
 * Presents a {@link CiDocumentRow} as the JSON text of {@link toCi}'s value: the same fields in the same order,
 * without parsing the stored JSON only to serialise it again. For single reads and pages, where nothing else is
 * done with the CI than answering it.
 */
export function ciDocument(row: CiDocumentRow, dialect: Dialect): string {
  const tags = row.tags === '[]' ? [] : (readJson<string[] | null>(row.tags, dialect) ?? []);
  const cost = row.monthly_cost === null ? 'null' : JSON.stringify(Number(row.monthly_cost));
  const tagsJson = tags.length === 0 ? '[]' : JSON.stringify([...tags].sort());
  // Joined in JavaScript (PostgreSQL pages): each part through one JSON.stringify over an object of a fixed shape,
  // V8's fast path, the stored JSON columns (jsonb's own text) spliced in as they are.
  const head = row.head ?? JSON.stringify(ciScalars(row as unknown as CiRow));
  const tail =
    row.tail ??
    `{"attributes":${row.attributes},"customFields":${row.custom_fields},"provenance":${row.provenance},${JSON.stringify(ciTimes(row as unknown as CiRow)).slice(1)}`;
  return `${head.slice(0, -1)},"monthlyCost":${cost},"tags":${tagsJson},${tail.slice(1)}`;
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
