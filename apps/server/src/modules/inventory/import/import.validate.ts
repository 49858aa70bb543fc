import {
  type Ci,
  CreateCiRequest,
  type CreateRelationshipRequest,
  type CustomField,
  type ImportFieldError,
  type ImportRowReport,
} from '@estate/contract';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import type { ObservedFields } from '../ci.service';
import type { IdentifierHolder, IdentifierKeys } from '../ci-identifiers';
import { normaliseIdentifier } from '../ci-identifiers';
import { validateAttributes } from '../ci-types';
import { checkCustomValue } from '../custom-field.service';
import { IdentifierLedger } from './import.identifiers';
import { type ChainEnd, type ChainStep, type ChainType, LocationChains, type LocationCi } from './import.locations';
import type { ImportCommonField, MappedRow } from './import.mapping';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ??
  addFormatsImport) as typeof addFormatsImport;
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
addFormats(ajv);
const checkCreate = ajv.compile(CreateCiRequest);

/** Which field identifies a row's CI among the CIs of the imported type. */
export type NaturalKey = 'name' | 'serial' | 'assetTag';

const OWNER_TYPES = ['team', 'person'];
const LOCATION_TYPES = ['site', 'room', 'rack'];

/** The CI types a reference may name; null for any type. */
type AllowedTypes = readonly string[] | null;

/** What the store holds of one CI type an import writes. */
export interface TypeContext {
  /** Existing CIs of the type, complete (matched rows are compared field by field). */
  existing: Ci[];
  /** The custom field definitions of the type. */
  customFields: CustomField[];
}

/** What validation needs to know about the store. */
export interface ImportContext {
  naturalKey: NaturalKey;
  /** The types the rows have, each with its CIs and custom fields. */
  types: Map<string, TypeContext>;
  /** Every CI an owner, a location or a custom ci_reference field may name: id, type and name. */
  references: Array<{ id: string; type: string; name: string }>;
  /** Every site, room and rack with the CI it is located in: what location chains resolve against. */
  locations: LocationCi[];
  /** The CIs that hold a serial number or asset tag in the families of the rows' types. */
  holders: Array<IdentifierHolder & IdentifierKeys>;
}

/** Where a planned CI goes when it names a location the import creates: the step's reference, filled in on apply. */
interface Placement {
  /** Locations to create before the row, parents first (steps an earlier row created are skipped on apply). */
  chain: ChainStep[];
  /** The reference of the created location the CI is located in. */
  locationRef?: string;
  /** The reference a location row itself is known by once created (a rack row's own chain link). */
  placeRef?: string;
}

/** A validated row and what applying it does. */
export type PlannedRow =
  | { report: ImportRowReport; kind: 'error' | 'unchanged' }
  | ({ report: ImportRowReport; kind: 'create'; input: CreateCiRequest } & Placement)
  | ({ report: ImportRowReport; kind: 'update' | 'conflict'; ciId: string; observed: ObservedFields } & Placement)
  | { report: ImportRowReport; kind: 'relate'; input: CreateRelationshipRequest };

/** The natural key value a row or a CI is matched by: names as written, serials and asset tags normalised. */
function keyOf(value: unknown, key: NaturalKey): string | null {
  if (value === undefined || value === null) return null;
  const text = String(value);
  return key === 'name' ? text : normaliseIdentifier(text);
}

const valueAt = (data: unknown, path: string): unknown =>
  path
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);

/** An Ajv error as a row error that names the value given and, for a list of choices, the values allowed. */
function explain(e: ErrorObject, data: unknown, prefix = ''): ImportFieldError {
  let field = e.instancePath.slice(1).replaceAll('/', '.');
  if (e.keyword === 'required') field = (e.params as { missingProperty: string }).missingProperty;
  if (e.keyword === 'additionalProperties') field = (e.params as { additionalProperty: string }).additionalProperty;
  field = prefix + field;
  const value = valueAt(data, e.instancePath);
  const given = value === undefined || typeof value === 'object' ? '' : `${JSON.stringify(value)}: `;
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  if (e.keyword === 'enum' && allowed) return { field, message: `${given}must be one of: ${allowed.map(String).join(', ')}` };
  if (e.keyword === 'additionalProperties') return { field, message: 'is not a field of this CI type' };
  return { field, message: `${given}${e.message ?? 'is invalid'}` };
}

/**
 * Validates every row against its type's schema, the references, the natural key (present, unique within the file,
 * matching at most one existing CI of the type) and the serial numbers and asset tags of the type's family, resolves
 * preset rows' location chains, and plans what applying each row does: create, update (fields not set by hand
 * change; differing hand-set fields become conflicts), unchanged, or error. Pure: reads only `ctx`.
 */
export function planRows(rows: MappedRow[], ctx: ImportContext): PlannedRow[] {
  const byKey = new Map<string, Ci[]>();
  const byName = new Map<string, Ci>();
  for (const [type, { existing }] of ctx.types) {
    for (const ci of existing) {
      byName.set(`${type}\u0000${ci.name}`, ci);
      const k = keyOf(ci[ctx.naturalKey], ctx.naturalKey);
      if (k !== null) byKey.set(`${type}\u0000${k}`, [...(byKey.get(`${type}\u0000${k}`) ?? []), ci]);
    }
  }
  const byId = new Map([...ctx.types.values()].flatMap((t) => t.existing.map((ci) => [ci.id, ci] as const)));
  const refsById = new Map(ctx.references.map((r) => [r.id, r]));
  const refsByName = new Map<string, Array<{ id: string; type: string }>>();
  for (const r of ctx.references) refsByName.set(r.name.toLowerCase(), [...(refsByName.get(r.name.toLowerCase()) ?? []), r]);
  const chains = new LocationChains(ctx.locations);
  const ledger = new IdentifierLedger(ctx.holders);
  const firstRowOfKey = new Map<string, number>();
  const newNames = new Map<string, number>();
  /** The id `ref` (an id or a name) resolves to among CIs of `allowed` types, or why it does not. */
  const resolve = (ref: unknown, allowed: AllowedTypes, what: string): { id: string } | { error: string } => {
    if (typeof ref !== 'string') return { error: 'must be a CI id or name' };
    const fits = (type: string) => allowed === null || allowed.includes(type);
    const found = refsById.get(ref);
    if (found && fits(found.type)) return { id: found.id };
    const named = (refsByName.get(ref.toLowerCase()) ?? []).filter((r) => fits(r.type));
    if (named.length === 1 && named[0]) return { id: named[0].id };
    return {
      error:
        named.length > 1 ? `"${ref}" names ${named.length} ${what} CIs; give the id instead` : `no ${what} CI has the id or name "${ref}"`,
    };
  };

  return rows.map((row): PlannedRow => {
    const errors = [...row.errors];
    const type = row.type;
    const typeContext = ctx.types.get(type);
    const rawKey = row.common[ctx.naturalKey];
    const report = (action: ImportRowReport['action'], conflicts?: string[]): ImportRowReport => ({
      row: row.row,
      naturalKey: rawKey === undefined ? null : String(rawKey),
      action,
      errors,
      ...(conflicts && conflicts.length > 0 ? { conflicts } : {}),
      ...(row.notes && row.notes.length > 0 ? { notes: row.notes } : {}),
      ...(row.typeDecided && type !== '' ? { ciType: type } : {}),
    });
    if (row.skipped !== undefined) {
      // A skipped row is not imported, so nothing else about it can be wrong.
      errors.length = 0;
      row.notes = [...(row.notes ?? []), row.skipped];
      return { report: report('unchanged'), kind: 'unchanged' };
    }
    if (!typeContext) {
      if (!errors.some((e) => e.field === 'type')) errors.push({ field: 'type', message: `"${type}" is not a CI type` });
      return { report: report('error'), kind: 'error' };
    }
    const definitions = new Map(typeContext.customFields.map((d) => [d.key, d]));

    // A location row is found in its chain; every other row by its natural key among CIs of its type.
    const placement: Placement = { chain: [] };
    let placed: ReturnType<LocationChains['place']> | undefined;
    const key = keyOf(rawKey, ctx.naturalKey);
    let dedupeKey = key === null ? null : `${type}\u0000${key}`;
    if (row.place && typeof row.common.name === 'string') {
      placed = chains.place(type as ChainType, row.common.name, row.location ?? {});
      dedupeKey = placed.ref;
      placement.chain = placed.parent?.steps ?? [];
      placement.placeRef = placed.ref;
    }
    let duplicate = false;
    if (key === null && rawKey !== undefined)
      errors.push({ field: ctx.naturalKey, message: `"${rawKey}" is a placeholder, not a value that identifies a CI` });
    else if (dedupeKey === null) errors.push({ field: ctx.naturalKey, message: 'is required: it is the natural key of this import' });
    else {
      const first = firstRowOfKey.get(dedupeKey);
      duplicate = first !== undefined;
      if (first !== undefined)
        errors.push({ field: ctx.naturalKey, message: `duplicates row ${first} (the same natural key "${rawKey}")` });
      else firstRowOfKey.set(dedupeKey, row.row);
    }

    const common: Record<string, unknown> = { ...row.common };
    for (const [field, allowed, what] of [
      ['ownerTeamId', OWNER_TYPES, 'team or person'],
      ['locationId', LOCATION_TYPES, 'site, room or rack'],
    ] as const) {
      if (common[field] === undefined) continue;
      const found = resolve(common[field], allowed, what);
      if ('id' in found) common[field] = found.id;
      else {
        errors.push({ field, message: found.error });
        delete common[field];
      }
    }
    let end: ChainEnd | null = null;
    if (placed) end = placed.parent;
    else if (row.location) {
      end = chains.resolve(row.location);
      placement.chain = end?.steps ?? [];
    }
    if (end && 'id' in end) common.locationId = end.id;
    else if (end) placement.locationRef = end.ref;

    const custom: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(row.customFields)) {
      const def = definitions.get(k);
      if (!def) continue;
      const field = `customFields.${k}`;
      let value = raw;
      if (def.kind === 'ci_reference') {
        const found = resolve(raw, def.referenceType === null ? null : [def.referenceType], def.referenceType ?? 'matching');
        if ('error' in found) {
          errors.push({ field, message: found.error });
          continue;
        }
        value = found.id;
      }
      const message = checkCustomValue(def, value) ?? (def.required && value === '' ? `is required for type ${type}` : null);
      if (message) errors.push({ field, message: `${JSON.stringify(raw)}: ${message}` });
      else custom[k] = value;
    }
    let current: Ci | undefined;
    if (placed) current = placed.existingId === null ? undefined : byId.get(placed.existingId);
    else {
      const matches = key === null ? [] : (byKey.get(`${type}\u0000${key}`) ?? []);
      if (matches.length > 1)
        errors.push({ field: ctx.naturalKey, message: `matches ${matches.length} existing CIs; the natural key must be unique` });
      current = matches.length === 1 ? matches[0] : undefined;
    }
    if (placed && !current) common.name = placed.name;

    const attributes = { ...row.attributes };
    if (row.addresses && row.addresses.length > 0) {
      const had = Array.isArray(current?.attributes.ipAddresses) ? (current?.attributes.ipAddresses as string[]) : [];
      attributes.ipAddresses = [...new Set([...had, ...row.addresses])];
    }
    const candidate: Record<string, unknown> = { type, ...common };
    if (row.tags !== undefined) candidate.tags = row.tags;
    if (Object.keys(attributes).length > 0) candidate.attributes = attributes;
    if (Object.keys(custom).length > 0) candidate.customFields = custom;
    if (current && candidate.name === undefined) candidate.name = current.name;
    if (!checkCreate(candidate)) errors.push(...(checkCreate.errors ?? []).map((e) => explain(e, candidate)));
    const merged = current ? { ...current.attributes, ...attributes } : attributes;
    errors.push(
      ...validateAttributes(type, merged, '').map((e) => {
        const field = `attributes${e.path.replaceAll('/', '.')}`;
        const value = valueAt(merged, e.path);
        const given = value === undefined || typeof value === 'object' ? '' : `${JSON.stringify(value)}: `;
        return { field, message: `${given}${e.message}` };
      }),
    );
    const identifierFields = (f: ImportCommonField) =>
      (common[f] !== undefined && current?.provenance[f]?.source !== 'manual' ? common[f] : current?.[f]) as string | null | undefined;
    errors.push(
      ...ledger.check(
        row.row,
        {
          type,
          serial: identifierFields('serial') ?? null,
          manufacturer: identifierFields('manufacturer') ?? null,
          assetTag: identifierFields('assetTag') ?? null,
        },
        current,
      ),
    );

    if (!current) {
      for (const def of definitions.values()) {
        if (def.required && row.customFields[def.key] === undefined)
          errors.push({ field: `customFields.${def.key}`, message: `is required for type ${type}` });
      }
      const name = candidate.name;
      if (typeof name === 'string') {
        const taken = byName.get(`${type}\u0000${name}`);
        const earlier = newNames.get(`${type}\u0000${name}`);
        if (taken) errors.push({ field: 'name', message: nameTakenMessage(taken, type, name, ctx.naturalKey, rawKey) });
        else if (earlier !== undefined && !duplicate)
          errors.push({ field: 'name', message: `row ${earlier} creates a CI with the same name` });
        else newNames.set(`${type}\u0000${name}`, row.row);
      }
      if (errors.length > 0) return { report: report('error'), kind: 'error' };
      return { report: report('create'), kind: 'create', input: candidate as CreateCiRequest, ...placement };
    }

    const observed: Record<string, unknown> = {};
    const changed: string[] = [];
    const conflicts: string[] = [];
    const compare = (field: string, now: unknown, next: unknown) => {
      if (canonicalJson(now ?? null) === canonicalJson(next ?? null)) return false;
      if (current.provenance[field]?.source === 'manual') conflicts.push(field);
      else changed.push(field);
      return true;
    };
    for (const [field, value] of Object.entries(common)) {
      const f = field as ImportCommonField;
      if (compare(f, current[f], value)) observed[f] = value;
    }
    // A location the import creates is always a change (the CI is not in it yet), unless the location was set by hand.
    if (placement.locationRef !== undefined) {
      compare('locationId', current.locationId, placement.locationRef);
      if (current.provenance.locationId?.source === 'manual') delete placement.locationRef;
    }
    if (row.tags !== undefined) {
      const tags = [...row.tags].sort();
      if (compare('tags', current.tags, tags)) observed.tags = tags;
    }
    for (const [k, v] of Object.entries(attributes)) {
      if (compare(`attributes.${k}`, current.attributes[k], v)) observed.attributes = { ...(observed.attributes as object), [k]: v };
    }
    for (const [k, v] of Object.entries(custom)) {
      if (compare(`customFields.${k}`, current.customFields[k], v))
        observed.customFields = { ...(observed.customFields as object), [k]: v };
    }
    const newName = common.name;
    if (typeof newName === 'string' && newName !== current.name) {
      const other = byName.get(`${type}\u0000${newName}`);
      if (other && other.id !== current.id) errors.push({ field: 'name', message: `another ${type} CI is already named "${newName}"` });
    }
    if (errors.length > 0) return { report: report('error'), kind: 'error' };
    const planned = { ciId: current.id, observed: observed as ObservedFields, ...placement };
    if (changed.length > 0) return { report: report('update', conflicts), kind: 'update', ...planned };
    if (conflicts.length > 0) return { report: report('unchanged', conflicts), kind: 'conflict', ...planned };
    return { report: report('unchanged'), kind: 'unchanged' };
  });
}

/** Why a new row's name is taken: the CI that has it, and how its natural key differs from the row's. */
function nameTakenMessage(taken: Ci, type: string, name: string, naturalKey: NaturalKey, rowKey: unknown): string {
  const label = { name: 'name', serial: 'serial number', assetTag: 'asset tag' }[naturalKey];
  const theirs = taken[naturalKey];
  const has = theirs === null ? `no ${label}` : `${label} "${theirs}"`;
  return `a ${type} CI named "${name}" already exists (${taken.id}) with ${has}, not "${rowKey}"; CI names are unique per type`;
}
