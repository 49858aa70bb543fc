import type { CustomField, ImportFieldError } from '@estate/contract';
import type { TObject } from 'typebox';
import { COMMON_COLUMNS, type CommonField } from '../ci.mapper';
import { CsvError, decodeText, detectDelimiter, parseCsv, stripBom } from './csv';
import type { LocationChain } from './import.locations';

/** Where a source column goes: a common field, the tags, one attribute or one custom field of the CI type. */
export type ImportTarget =
  | { kind: 'common'; field: ImportCommonField }
  | { kind: 'tags' }
  | { kind: 'attribute'; key: string; type: string | undefined }
  | { kind: 'custom'; key: string; fieldKind: CustomField['kind'] };

/** Common fields an import may set (references are given as a CI id or a name). */
export const IMPORT_COMMON_FIELDS = Object.keys(COMMON_COLUMNS) as CommonField[];
export type ImportCommonField = CommonField;

/** One data row as read from the file: its 1-based number and its values by source column. */
export interface SourceRow {
  row: number;
  values: Record<string, unknown>;
  /** A problem with the row's shape (wrong number of cells, not an object). */
  problem?: string;
}

/** A row mapped to target fields and converted to their types, with the problems found so far. */
export interface MappedRow {
  row: number;
  /** The row's CI type: the import's, or the one a preset decided ('' when it could not, with an error). */
  type: string;
  common: Partial<Record<ImportCommonField, unknown>>;
  tags?: string[];
  attributes: Record<string, unknown>;
  /** Custom field values by key, converted to the field's kind (references still as given: an id or a name). */
  customFields: Record<string, unknown>;
  errors: ImportFieldError[];
  /** The location chain the row names (a preset's site → room → rack): found or created, it becomes `locationId`. */
  location?: LocationChain;
  /** Whether the row is itself a location placed in `location` (a rack of a rack export), found there by name. */
  place?: boolean;
  /** Addresses added to the CI's `ipAddresses` (kept with those it has). */
  addresses?: string[];
  /** What the row leaves out, without being an error. */
  notes?: string[];
  /** Why the row is skipped (a preset maps its value to no CI type). */
  skipped?: string;
  /** Whether the row's own values decided its type (a preset's type column): the report then names the type. */
  typeDecided?: boolean;
}

/** A problem with the whole file; the import reads no row. */
export class ImportFileError extends Error {
  constructor(readonly errors: ImportFieldError[]) {
    super(errors.map((e) => e.message).join(' '));
  }
}

/** Turns the uploaded content into text: base64 is decoded and its encoding checked (see decodeText). */
export function contentText(content: string, encoding: 'text' | 'base64'): string {
  if (encoding === 'text') return stripBom(content);
  try {
    return decodeText(Buffer.from(content, 'base64'));
  } catch (error) {
    if (error instanceof CsvError) throw new ImportFileError([{ field: '', message: error.message }]);
    throw error;
  }
}

/** Reads the rows of a CSV (the first record is the header; commas or semicolons) or JSON (an array of objects) file. */
export function readRows(format: 'csv' | 'json', text: string): { columns: string[]; rows: SourceRow[] } {
  return format === 'csv' ? readCsv(text) : readJson(text);
}

function readCsv(text: string): { columns: string[]; rows: SourceRow[] } {
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text, detectDelimiter(text));
  } catch (error) {
    if (error instanceof CsvError) throw new ImportFileError([{ field: '', message: error.message }]);
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new ImportFileError([{ field: '', message: 'The file is empty: it needs a header line naming the columns.' }]);
  const columns = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  const errors: ImportFieldError[] = [];
  for (const c of columns) {
    if (c === '') errors.push({ field: '', message: 'The header has an empty column name.' });
    else if (seen.has(c.toLowerCase())) errors.push({ field: c, message: `The header names the column "${c}" twice.` });
    seen.add(c.toLowerCase());
  }
  if (errors.length > 0) throw new ImportFileError(errors);
  const rows = data.map((record, i): SourceRow => {
    const values: Record<string, unknown> = {};
    columns.forEach((c, k) => {
      values[c] = record.cells[k] ?? '';
    });
    const problem =
      record.cells.length !== columns.length
        ? `Line ${record.line} has ${record.cells.length} cells; the header has ${columns.length}.`
        : undefined;
    return { row: i + 1, values, ...(problem ? { problem } : {}) };
  });
  return { columns, rows };
}

function readJson(text: string): { columns: string[]; rows: SourceRow[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError([{ field: '', message: `The file is not valid JSON: ${(error as Error).message}` }]);
  }
  if (!Array.isArray(parsed)) throw new ImportFileError([{ field: '', message: 'A JSON import must be an array of objects.' }]);
  const columns = new Set<string>();
  const rows = parsed.map((item, i): SourceRow => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { row: i + 1, values: {}, problem: `Element ${i + 1} is not an object.` };
    }
    for (const k of Object.keys(item)) columns.add(k);
    return { row: i + 1, values: item as Record<string, unknown> };
  });
  return { columns: [...columns], rows };
}

/**
 * Decides where each column goes. With `mapping`, every mapped column must exist and every target must be known
 * ('' ignores a column); columns it leaves out are ignored. Without one, columns are matched by name
 * (case-insensitive; `attr.x` and `attributes.x` for attributes, `cf.x` and `customFields.x` for the type's custom
 * fields `definitions`) and an unknown column is a file error, reported once.
 */
export function resolveMapping(
  columns: string[],
  mapping: Record<string, string> | undefined,
  attributes: TObject,
  definitions: readonly CustomField[] = [],
): Map<string, ImportTarget> {
  const errors: ImportFieldError[] = [];
  const targets = new Map<string, ImportTarget>();
  const used = new Map<string, string>();
  const assign = (column: string, target: string) => {
    if (target.trim() === '') return;
    const resolved = targetOf(target, attributes, definitions);
    if (typeof resolved === 'string') {
      errors.push({ field: column, message: `Column "${column}": ${resolved}` });
      return;
    }
    const key =
      resolved.kind === 'attribute'
        ? `attributes.${resolved.key}`
        : resolved.kind === 'custom'
          ? `customFields.${resolved.key}`
          : resolved.kind === 'tags'
            ? 'tags'
            : resolved.field;
    const other = used.get(key);
    if (other !== undefined) errors.push({ field: column, message: `Columns "${other}" and "${column}" both map to ${key}.` });
    used.set(key, column);
    targets.set(column, resolved);
  };
  if (mapping) {
    const present = new Set(columns);
    for (const [column, target] of Object.entries(mapping)) {
      if (!present.has(column))
        errors.push({ field: column, message: `The mapping names the column "${column}", which the file does not have.` });
      else assign(column, target);
    }
  } else {
    for (const column of columns) assign(column, column);
  }
  if (errors.length > 0) throw new ImportFileError(errors);
  return targets;
}

function targetOf(target: string, attributes: TObject, definitions: readonly CustomField[]): ImportTarget | string {
  const t = target.trim();
  const lower = t.toLowerCase();
  const common = IMPORT_COMMON_FIELDS.find((f) => f.toLowerCase() === lower);
  if (common) return { kind: 'common', field: common };
  if (lower === 'tags') return { kind: 'tags' };
  const attr = /^(?:attr|attributes)\.(.+)$/i.exec(t)?.[1];
  if (attr !== undefined) {
    const props = attributes.properties as Record<string, { type?: string }>;
    const key = Object.keys(props).find((k) => k.toLowerCase() === attr.toLowerCase());
    if (key === undefined) return `this CI type has no attribute "${attr}".`;
    return { kind: 'attribute', key, type: props[key]?.type };
  }
  const custom = /^(?:cf|customFields)\.(.+)$/i.exec(t)?.[1];
  if (custom !== undefined) {
    const def = definitions.find((d) => d.key.toLowerCase() === custom.toLowerCase());
    if (def === undefined) return `this CI type has no custom field "${custom}".`;
    return { kind: 'custom', key: def.key, fieldKind: def.kind };
  }
  return `unknown field "${t}"; map it to a field, or to "" to ignore it.`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Converts one cell of a CSV (text) to the target's type; JSON values pass unchanged. Undefined means "not given". */
export function convert(
  value: unknown,
  kind: 'number' | 'integer' | 'boolean' | 'array' | 'string' | undefined,
  fromCsv: boolean,
): unknown {
  if (!fromCsv || typeof value !== 'string') return value;
  const v = value.trim();
  if (v === '') return undefined;
  if (kind === 'number' || kind === 'integer') return NUMBER.test(v) ? Number(v) : value;
  if (kind === 'boolean') {
    if (/^(true|yes|1)$/i.test(v)) return true;
    if (/^(false|no|0)$/i.test(v)) return false;
    return value;
  }
  if (kind === 'array')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return v;
}

/** Maps and converts one source row of `type`. Type problems are left for schema validation, which names them. */
export function mapRow(source: SourceRow, targets: Map<string, ImportTarget>, fromCsv: boolean, type: string): MappedRow {
  const out: MappedRow = { row: source.row, type, common: {}, attributes: {}, customFields: {}, errors: [] };
  if (source.problem) out.errors.push({ field: '', message: source.problem });
  for (const [column, target] of targets) {
    const raw = source.values[column];
    if (raw === undefined || (!fromCsv && raw === null)) continue;
    if (target.kind === 'common') {
      const value = convert(raw, target.field === 'monthlyCost' ? 'number' : 'string', fromCsv);
      if (value !== undefined) out.common[target.field] = value;
    } else if (target.kind === 'tags') {
      const value = typeof raw === 'string' ? convert(raw, 'array', true) : raw;
      if (value !== undefined) out.tags = value as string[];
    } else if (target.kind === 'custom') {
      const value = convert(raw, target.fieldKind === 'number' ? 'number' : 'string', fromCsv);
      if (value !== undefined) out.customFields[target.key] = value;
    } else {
      const value = convert(raw, target.type as 'string', fromCsv);
      if (value !== undefined) out.attributes[target.key] = value;
    }
  }
  return out;
}
