import {
  type ImportFieldError,
  type ImportRowReport,
  RELATIONSHIP_IMPORT_FIELDS,
  RELATIONSHIP_TYPES,
  type RelationshipType,
} from '@estate/contract';
import { ciType } from '../ci-types';
import { allowsPair, ruleOf } from '../relationship-types';
import { ImportFileError, type SourceRow } from './import.mapping';
import type { NaturalKey, PlannedRow } from './import.validate';

/** A field of a relationship row. */
export type RelationshipField = (typeof RELATIONSHIP_IMPORT_FIELDS)[number];

/** A relationship row as read from the file: its fields as text, and the problems found so far. */
export interface RelationshipRow {
  row: number;
  values: Partial<Record<RelationshipField, string>>;
  errors: ImportFieldError[];
}

/** A CI that a relationship row may name, with every field a natural key may be. */
export interface CiKeys {
  id: string;
  type: string;
  name: string;
  serial: string | null;
  assetTag: string | null;
}

/** What planning a relationship import needs: every CI and every existing relationship (as stored). */
export interface RelationshipImportContext {
  naturalKey: NaturalKey;
  cis: CiKeys[];
  existing: Array<{ type: string; sourceId: string; targetId: string }>;
}

/**
 * Decides which column holds which field. With `mapping`, every mapped column must exist and every target be a
 * relationship field ('' ignores a column); without one, columns are matched by name, case-insensitively, and an
 * unknown column is a file error. `source`, `type` and `target` must each come from a column.
 */
export function resolveRelationshipMapping(columns: string[], mapping: Record<string, string> | undefined): Map<string, RelationshipField> {
  const errors: ImportFieldError[] = [];
  const targets = new Map<string, RelationshipField>();
  const used = new Map<RelationshipField, string>();
  const pairs = mapping ? Object.entries(mapping) : columns.map((c) => [c, c] as const);
  const present = new Set(columns);
  for (const [column, target] of pairs) {
    if (!present.has(column)) {
      errors.push({ field: column, message: `The mapping names the column "${column}", which the file does not have.` });
      continue;
    }
    if (target.trim() === '') continue;
    const field = RELATIONSHIP_IMPORT_FIELDS.find((f) => f.toLowerCase() === target.trim().toLowerCase());
    if (!field) {
      errors.push({
        field: column,
        message: `Column "${column}": unknown field "${target}"; a relationship import takes ${RELATIONSHIP_IMPORT_FIELDS.join(', ')}, or "" to ignore it.`,
      });
      continue;
    }
    const other = used.get(field);
    if (other !== undefined) errors.push({ field: column, message: `Columns "${other}" and "${column}" both map to ${field}.` });
    used.set(field, column);
    targets.set(column, field);
  }
  for (const field of ['source', 'type', 'target'] as const) {
    if (!used.has(field)) errors.push({ field, message: `No column holds the relationship's ${field}.` });
  }
  if (errors.length > 0) throw new ImportFileError(errors);
  return targets;
}

/** Reads one relationship row's fields as trimmed text (numbers from JSON become text; empty means "not given"). */
export function mapRelationshipRow(source: SourceRow, targets: Map<string, RelationshipField>): RelationshipRow {
  const out: RelationshipRow = { row: source.row, values: {}, errors: [] };
  if (source.problem) out.errors.push({ field: '', message: source.problem });
  for (const [column, field] of targets) {
    const raw = source.values[column];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      out.errors.push({ field, message: 'must be text' });
      continue;
    }
    const value = String(raw).trim();
    if (value !== '') out.values[field] = value;
  }
  return out;
}

const keyOfPair = (type: string, sourceId: string, targetId: string) => `${type} ${sourceId} ${targetId}`;

/**
 * Validates every relationship row and plans it: `create` for a new relationship, `unchanged` for one that exists
 * already (re-importing a file writes nothing), or `error`: a missing field, an unknown or ambiguous CI, an unknown
 * relationship type, a pair of CI types the type does not allow, a self-link, a duplicate of an earlier row, or a
 * cycle through relationships of an acyclic type (existing ones and earlier rows of the file). With `fromExport` (a
 * preset's file), a row with an empty end is skipped and a repeat of an earlier row is `unchanged`, each with a note.
 * Pure: reads only `ctx`.
 */
export function planRelationshipRows(
  rows: RelationshipRow[],
  ctx: RelationshipImportContext,
  options: { fromExport?: boolean } = {},
): PlannedRow[] {
  const byId = new Map(ctx.cis.map((c) => [c.id, c]));
  const byKey = new Map<string, CiKeys[]>();
  for (const ci of ctx.cis) {
    const k = ci[ctx.naturalKey];
    if (k !== null) byKey.set(k.toLowerCase(), [...(byKey.get(k.toLowerCase()) ?? []), ci]);
  }
  const existing = new Set(ctx.existing.map((r) => keyOfPair(r.type, r.sourceId, r.targetId)));
  /** Edges of each acyclic type, existing and planned, from source to targets. */
  const graphs = new Map<string, Map<string, string[]>>();
  const edge = (type: string, from: string, to: string) => {
    const graph = graphs.get(type) ?? new Map<string, string[]>();
    graphs.set(type, graph);
    graph.set(from, [...(graph.get(from) ?? []), to]);
  };
  for (const r of ctx.existing) if (ruleOf(r.type as RelationshipType)?.acyclic) edge(r.type, r.sourceId, r.targetId);
  const firstRow = new Map<string, number>();

  const resolve = (row: RelationshipRow, end: 'source' | 'target'): CiKeys | undefined => {
    const value = row.values[end];
    const typeField = end === 'source' ? 'sourceType' : 'targetType';
    const type = row.values[typeField];
    if (type !== undefined && !ciType(type)) {
      row.errors.push({ field: typeField, message: `is not a CI type (${type})` });
      return undefined;
    }
    if (value === undefined) {
      row.errors.push({ field: end, message: 'is required' });
      return undefined;
    }
    const fits = (ci: CiKeys) => type === undefined || ci.type === type;
    const direct = byId.get(value);
    if (direct && fits(direct)) return direct;
    const found = (byKey.get(value.toLowerCase()) ?? []).filter(fits);
    if (found.length === 1) return found[0];
    const of = type === undefined ? '' : ` of type ${type}`;
    row.errors.push({
      field: end,
      message:
        found.length > 1
          ? `"${value}" names ${found.length} CIs (${[...new Set(found.map((c) => c.type))].join(', ')}); give the id or a ${typeField} column`
          : `no CI${of} has the id or ${ctx.naturalKey} "${value}"`,
    });
    return undefined;
  };

  return rows.map((row): PlannedRow => {
    const { source, type, target } = row.values;
    const report = (action: ImportRowReport['action'], note?: string): ImportRowReport => ({
      row: row.row,
      naturalKey: source !== undefined && type !== undefined && target !== undefined ? `${source} ${type} ${target}` : null,
      action,
      errors: row.errors,
      ...(note ? { notes: [note] } : {}),
    });
    // An export's link with an end that is no item (a circuit, a power feed, nothing) is not one to import.
    if (options.fromExport && row.errors.length === 0 && (source === undefined || target === undefined))
      return { report: report('unchanged', `skipped: the ${source === undefined ? 'source' : 'target'} end is empty`), kind: 'unchanged' };
    const from = resolve(row, 'source');
    const to = resolve(row, 'target');
    const rule =
      type === undefined
        ? undefined
        : (RELATIONSHIP_TYPES as readonly string[]).includes(type)
          ? ruleOf(type as RelationshipType)
          : undefined;
    if (type === undefined) row.errors.push({ field: 'type', message: 'is required' });
    else if (!rule) row.errors.push({ field: 'type', message: `is not a relationship type; use one of: ${RELATIONSHIP_TYPES.join(', ')}` });
    if (!from || !to || !rule) return { report: report('error'), kind: 'error' };
    if (from.id === to.id) row.errors.push({ field: 'target', message: 'a CI cannot be related to itself' });
    else if (!allowsPair(rule, from.type, to.type))
      row.errors.push({
        field: 'type',
        message: `${rule.type} does not allow ${from.type} → ${to.type}: it links ${rule.sources.join(', ')} to ${rule.targets.join(', ')}`,
      });
    if (row.errors.length > 0) return { report: report('error'), kind: 'error' };
    // Symmetric relationships are stored with the smaller id as source, so A–B and B–A are one relationship.
    const [sourceId, targetId] = rule.symmetric && to.id < from.id ? [to.id, from.id] : [from.id, to.id];
    const key = keyOfPair(rule.type, sourceId, targetId);
    const earlier = firstRow.get(key);
    // An export lists every cable: several between the same two items are one relationship.
    if (earlier !== undefined && options.fromExport)
      return { report: report('unchanged', `the same relationship as row ${earlier}`), kind: 'unchanged' };
    if (earlier !== undefined) {
      row.errors.push({ field: '', message: `duplicates row ${earlier} (the same relationship)` });
      return { report: report('error'), kind: 'error' };
    }
    firstRow.set(key, row.row);
    if (existing.has(key)) return { report: report('unchanged'), kind: 'unchanged' };
    if (rule.acyclic) {
      const path = pathBetween(graphs.get(rule.type), targetId, sourceId);
      if (path) {
        const chain = [sourceId, targetId, ...path].map((id) => byId.get(id)?.name ?? id).join(` ${rule.name} `);
        row.errors.push({ field: 'type', message: `would make a ${rule.type} cycle: ${chain}` });
        return { report: report('error'), kind: 'error' };
      }
      edge(rule.type, sourceId, targetId);
    }
    return { report: report('create'), kind: 'relate', input: { type: rule.type, sourceId, targetId } };
  });
}

/** The CIs on a path from `from` to `to` along `graph`'s edges (`from` left out, `to` included), or null. */
function pathBetween(graph: Map<string, string[]> | undefined, from: string, to: string): string[] | null {
  if (!graph) return null;
  const parent = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    if (at === to) {
      const path: string[] = [];
      for (let step = to; step !== from; step = parent.get(step) as string) path.unshift(step);
      return path;
    }
    for (const next of graph.get(at) ?? []) {
      if (!parent.has(next)) {
        parent.set(next, at);
        queue.push(next);
      }
    }
  }
  return null;
}
