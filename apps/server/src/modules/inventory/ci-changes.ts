import type { Ci, CiHistoryEntry, FieldProvenance } from '@estate/contract';
import type { ActionContext } from '../../platform/audit/audit-log';
import { canonicalJson } from '../../platform/audit/canonical-json';
import { COMMON_COLUMNS, type CommonField } from './ci.mapper';

/*
 * How CI changes are computed and replayed: values flattened to history's field names, field-level changes between
 * two states, merges of partial maps, and a CI rebuilt from its history ("as of"). Pure functions, no I/O.
 */

/** One field change, as history and diffs name it. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** A CI's values flattened to history's field names: common fields, `tags`, `attributes.<k>`, `customFields.<k>`. */
export type FlatFields = Record<string, unknown>;

export const COMMON_FIELDS = Object.keys(COMMON_COLUMNS) as CommonField[];
export function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

export function flatten(ci: Pick<Ci, CommonField | 'tags' | 'attributes' | 'customFields'>): FlatFields {
  const out: FlatFields = {};
  for (const f of COMMON_FIELDS) if (!isEmpty(ci[f])) out[f] = ci[f];
  if (ci.tags.length > 0) out.tags = [...ci.tags].sort();
  for (const [k, v] of Object.entries(ci.attributes)) if (!isEmpty(v)) out[`attributes.${k}`] = v;
  for (const [k, v] of Object.entries(ci.customFields)) if (!isEmpty(v)) out[`customFields.${k}`] = v;
  return out;
}

/** Every field whose value differs between two flat states, sorted by name; absent values are null. */
export function changesBetween(before: FlatFields, after: FlatFields): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null))
    .map((k) => ({ field: k, from: before[k] ?? null, to: after[k] ?? null }));
}

/**
 * Values discovery or an import observed for a CI: common fields (owner and location as CI ids), the complete tag
 * set, and attributes and custom fields merged key by key (null clears a key). Fields left out are not touched.
 */
export type ObservedFields = Partial<Pick<Ci, CommonField>> & {
  tags?: string[];
  attributes?: Record<string, unknown>;
  customFields?: Record<string, unknown>;
};

/** Observed values under history's field names; only the given fields, tags sorted, null for a cleared value. */
export function flattenObserved(fields: ObservedFields): FlatFields {
  const out: FlatFields = {};
  for (const f of COMMON_FIELDS) if (f in fields) out[f] = fields[f] ?? null;
  if (fields.tags !== undefined) out.tags = [...fields.tags].sort();
  for (const [k, v] of Object.entries(fields.attributes ?? {})) out[`attributes.${k}`] = v;
  for (const [k, v] of Object.entries(fields.customFields ?? {})) out[`customFields.${k}`] = v;
  return out;
}

/** The values of a CI held in flat fields (the inverse of {@link flatten}); absent common fields are null. */
export function unflatten(flat: FlatFields): Pick<Ci, CommonField | 'tags' | 'attributes' | 'customFields'> {
  const attributes: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (k.startsWith('attributes.')) attributes[k.slice('attributes.'.length)] = v;
    else if (k.startsWith('customFields.')) customFields[k.slice('customFields.'.length)] = v;
  }
  const common = Object.fromEntries(COMMON_FIELDS.map((k) => [k, flat[k] ?? null])) as Pick<Ci, CommonField>;
  return { ...common, tags: (flat.tags as string[] | undefined) ?? [], attributes, customFields };
}

export function withoutNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

export function merge(current: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  return patch === undefined ? current : withoutNulls({ ...current, ...patch });
}

export function actorOf(ctx: ActionContext): string | null {
  return ctx.actor.id ?? ctx.actor.label;
}

/** A CI as history rebuilt it at some time, or null when it did not exist then. */
export interface ReplayedCi {
  ci: Ci;
  flat: FlatFields;
}

/** Rebuilds a CI from its history entries (oldest first). */
export function replayEntries(ciId: string, entries: CiHistoryEntry[]): ReplayedCi | null {
  let flat: FlatFields | null = null;
  let provenance: Record<string, FieldProvenance> = {};
  let type = '';
  let createdAt = 0;
  let updatedAt = 0;
  let version = 0;
  let firstSeen: number | null = null;
  let lastSeen: number | null = null;
  for (const e of entries) {
    if (e.kind === 'created') {
      flat = {};
      provenance = {};
      createdAt = e.at;
      version = 0;
      firstSeen = null;
      lastSeen = null;
    } else if (e.kind === 'deleted') {
      flat = null;
      continue;
    } else if (e.kind !== 'updated' || flat === null) continue;
    version++;
    updatedAt = e.at;
    if (e.source !== 'manual') {
      firstSeen ??= e.at;
      lastSeen = e.at;
    }
    for (const c of e.changes) {
      if (c.field === 'type') {
        type = String(c.to);
        continue;
      }
      if (isEmpty(c.to)) {
        delete flat[c.field];
        delete provenance[c.field];
      } else {
        flat[c.field] = c.to;
        provenance[c.field] = { source: e.source, at: e.at, actor: e.actorId ?? e.actorLabel };
      }
    }
  }
  if (flat === null) return null;
  const f = flat;
  const ci: Ci = {
    id: ciId,
    type,
    ...unflatten(f),
    status: (f.status as Ci['status']) ?? 'deployed',
    provenance,
    firstSeen,
    lastSeen,
    createdAt,
    updatedAt,
    version,
  };
  return { ci, flat: f };
}
