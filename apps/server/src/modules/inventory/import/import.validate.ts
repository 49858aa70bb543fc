import {
  type Ci,
  CreateCiRequest,
  type CreateRelationshipRequest,
  type CustomField,
  type ImportFieldError,
  type ImportRowReport,
} from '@estate/contract';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import type { ObservedFields } from '../ci.service';
import { validateAttributes } from '../ci-types';
import { checkCustomValue } from '../custom-field.service';
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

/** What validation needs to know about the store: the type's CIs and every CI an owner or location may name. */
export interface ImportContext {
  ciType: string;
  naturalKey: NaturalKey;
  /** Existing CIs of the type, complete (matched rows are compared field by field). */
  existing: Ci[];
  /** Every CI an owner, a location or a custom ci_reference field may name: id, type and name. */
  references: Array<{ id: string; type: string; name: string }>;
  /** The custom field definitions of the type. */
  customFields: CustomField[];
}

/** A validated row and what applying it does. */
export type PlannedRow =
  | { report: ImportRowReport; kind: 'error' | 'unchanged' }
  | { report: ImportRowReport; kind: 'create'; input: CreateCiRequest }
  | { report: ImportRowReport; kind: 'update' | 'conflict'; ciId: string; observed: ObservedFields }
  | { report: ImportRowReport; kind: 'relate'; input: CreateRelationshipRequest };

function keyOf(ci: Pick<Ci, 'name' | 'serial' | 'assetTag'>, key: NaturalKey): string | null {
  return ci[key] ?? null;
}

function ajvErrors(): ImportFieldError[] {
  return (checkCreate.errors ?? []).map((e) => {
    let field = e.instancePath.slice(1).replaceAll('/', '.');
    if (e.keyword === 'required') field = (e.params as { missingProperty: string }).missingProperty;
    if (e.keyword === 'additionalProperties') field = (e.params as { additionalProperty: string }).additionalProperty;
    return { field, message: e.message ?? 'is invalid' };
  });
}

/**
 * Validates every row against the type's schema, the references and the natural key (present, unique within the
 * file, matching at most one existing CI), and plans what applying it does: create, update (fields not set by hand
 * change; differing hand-set fields become conflicts), unchanged, or error. Pure: reads only `ctx`.
 */
export function planRows(rows: MappedRow[], ctx: ImportContext): PlannedRow[] {
  const byKey = new Map<string, Ci[]>();
  const byName = new Map<string, Ci>();
  for (const ci of ctx.existing) {
    byName.set(ci.name, ci);
    const k = keyOf(ci, ctx.naturalKey);
    if (k !== null) byKey.set(k, [...(byKey.get(k) ?? []), ci]);
  }
  const refsById = new Map(ctx.references.map((r) => [r.id, r]));
  const refsByName = new Map<string, Array<{ id: string; type: string }>>();
  for (const r of ctx.references) refsByName.set(r.name.toLowerCase(), [...(refsByName.get(r.name.toLowerCase()) ?? []), r]);
  const firstRowOfKey = new Map<string, number>();
  const newNames = new Map<string, number>();
  const definitions = new Map(ctx.customFields.map((d) => [d.key, d]));
  /** The id `ref` (an id or a name) resolves to among CIs of `allowed` types, or why it does not. */
  const resolve = (ref: unknown, allowed: AllowedTypes, what: string): { id: string } | { error: string } => {
    if (typeof ref !== 'string') return { error: 'must be a CI id or name' };
    const fits = (type: string) => allowed === null || allowed.includes(type);
    const byId = refsById.get(ref);
    if (byId && fits(byId.type)) return { id: byId.id };
    const named = (refsByName.get(ref.toLowerCase()) ?? []).filter((r) => fits(r.type));
    if (named.length === 1 && named[0]) return { id: named[0].id };
    return {
      error:
        named.length > 1 ? `"${ref}" names ${named.length} ${what} CIs; give the id instead` : `no ${what} CI has the id or name "${ref}"`,
    };
  };

  return rows.map((row): PlannedRow => {
    const errors = [...row.errors];
    const rawKey = row.common[ctx.naturalKey];
    const key = typeof rawKey === 'string' ? rawKey : rawKey === undefined ? null : String(rawKey);
    const report = (action: ImportRowReport['action'], conflicts?: string[]): ImportRowReport => ({
      row: row.row,
      naturalKey: key,
      action,
      errors,
      ...(conflicts && conflicts.length > 0 ? { conflicts } : {}),
    });
    let duplicate = false;
    if (key === null) errors.push({ field: ctx.naturalKey, message: `is required: it is the natural key of this import` });
    else {
      const first = firstRowOfKey.get(key);
      duplicate = first !== undefined;
      if (first !== undefined) errors.push({ field: ctx.naturalKey, message: `duplicates row ${first} (the same natural key "${key}")` });
      else firstRowOfKey.set(key, row.row);
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
      const message = checkCustomValue(def, value) ?? (def.required && value === '' ? `is required for type ${ctx.ciType}` : null);
      if (message) errors.push({ field, message });
      else custom[k] = value;
    }
    const matches = key === null ? [] : (byKey.get(key) ?? []);
    if (matches.length > 1)
      errors.push({ field: ctx.naturalKey, message: `matches ${matches.length} existing CIs; the natural key must be unique` });
    const current = matches.length === 1 ? matches[0] : undefined;

    const candidate: Record<string, unknown> = { type: ctx.ciType, ...common };
    if (row.tags !== undefined) candidate.tags = row.tags;
    if (Object.keys(row.attributes).length > 0) candidate.attributes = row.attributes;
    if (Object.keys(custom).length > 0) candidate.customFields = custom;
    if (current && candidate.name === undefined) candidate.name = current.name;
    if (!checkCreate(candidate)) errors.push(...ajvErrors());
    const attributes = current ? { ...current.attributes, ...row.attributes } : row.attributes;
    errors.push(
      ...validateAttributes(ctx.ciType, attributes, '').map((e) => ({
        field: `attributes${e.path.replaceAll('/', '.')}`,
        message: e.message,
      })),
    );

    if (!current) {
      for (const def of definitions.values()) {
        if (def.required && row.customFields[def.key] === undefined)
          errors.push({ field: `customFields.${def.key}`, message: `is required for type ${ctx.ciType}` });
      }
      const name = candidate.name;
      if (typeof name === 'string') {
        const taken = byName.get(name);
        const earlier = newNames.get(name);
        if (taken)
          errors.push({ field: 'name', message: `a ${ctx.ciType} CI named "${name}" already exists with a different ${ctx.naturalKey}` });
        else if (earlier !== undefined && !duplicate)
          errors.push({ field: 'name', message: `row ${earlier} creates a CI with the same name` });
        else newNames.set(name, row.row);
      }
      if (errors.length > 0) return { report: report('error'), kind: 'error' };
      return { report: report('create'), kind: 'create', input: candidate as CreateCiRequest };
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
    if (row.tags !== undefined) {
      const tags = [...row.tags].sort();
      if (compare('tags', current.tags, tags)) observed.tags = tags;
    }
    for (const [k, v] of Object.entries(row.attributes)) {
      if (compare(`attributes.${k}`, current.attributes[k], v)) observed.attributes = { ...(observed.attributes as object), [k]: v };
    }
    for (const [k, v] of Object.entries(custom)) {
      if (compare(`customFields.${k}`, current.customFields[k], v))
        observed.customFields = { ...(observed.customFields as object), [k]: v };
    }
    const newName = common.name;
    if (typeof newName === 'string' && newName !== current.name) {
      const other = byName.get(newName);
      if (other && other.id !== current.id)
        errors.push({ field: 'name', message: `another ${ctx.ciType} CI is already named "${newName}"` });
    }
    if (errors.length > 0) return { report: report('error'), kind: 'error' };
    if (changed.length > 0)
      return { report: report('update', conflicts), kind: 'update', ciId: current.id, observed: observed as ObservedFields };
    if (conflicts.length > 0)
      return { report: report('unchanged', conflicts), kind: 'conflict', ciId: current.id, observed: observed as ObservedFields };
    return { report: report('unchanged'), kind: 'unchanged' };
  });
}
