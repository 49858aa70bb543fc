import { type CiTypeInfo, IMPORT_MAX_CONTENT, type ImportPreset, type ImportPresetColumn } from '@estate/contract';
import { attributeFields, COMMON_FIELDS, customFieldSpecs } from '../ci-fields';

/** The largest file the wizard reads; the browser holds it in memory and sends it as one request. */
export const MAX_IMPORT_BYTES = IMPORT_MAX_CONTENT;

/** What the wizard learned from a file read in the browser. */
export interface ImportSource {
  format: 'csv' | 'json';
  /** The source columns: the CSV header's names, or the keys of the JSON objects. */
  columns: string[];
  /** Data rows found (CSV: lines after the header, an estimate when values span lines; JSON: objects). */
  rowCount: number;
}

/** The format of a file by its name (then its first character), or null when it is neither CSV nor JSON. */
export function formatOf(fileName: string, content: string): 'csv' | 'json' | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  const first = stripBom(content).trimStart().charAt(0);
  if (first === '[' || first === '{') return 'json';
  return content.length > 0 ? 'csv' : null;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The separator of a CSV text, as the server decides it: a semicolon when the first line holds semicolons outside
 * quotes and no comma (GLPI and spreadsheets in many locales write those), else a comma.
 */
export function csvDelimiter(content: string): ',' | ';' {
  const text = stripBom(content);
  let quoted = false;
  let semicolons = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') return ',';
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > 0 ? ';' : ',';
}

/**
 * The first record of a CSV text (RFC 4180): fields separated by commas (or semicolons, see `csvDelimiter`),
 * optionally in double quotes, `""` for a quote inside quotes, and line breaks allowed inside quotes. A leading
 * UTF-8 BOM is skipped.
 */
export function parseCsvHeader(content: string): string[] {
  const text = stripBom(content);
  const delimiter = csvDelimiter(text);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') break;
    else field += char;
  }
  fields.push(field);
  return fields.map((name) => name.trim());
}

/** Counts the CSV's data records (line breaks inside quotes do not end a record); blank lines are not counted. */
export function countCsvRows(content: string): number {
  const text = stripBom(content);
  let rows = 0;
  let quoted = false;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) quoted = !quoted;
    if (!quoted && (code === 10 || code === 13)) {
      if (!blank) rows++;
      blank = true;
      if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
    } else if (code !== 32 && code !== 9) blank = false;
  }
  if (!blank) rows++;
  return Math.max(0, rows - 1);
}

/** The objects of a JSON import: a top-level array. */
function jsonRows(content: string): unknown[] {
  const value: unknown = JSON.parse(stripBom(content));
  if (Array.isArray(value)) return value;
  throw new Error('The JSON file must hold an array of objects.');
}

/** Reads a file's columns; throws an Error with a message for the user when the file cannot be used. */
export function readSource(fileName: string, content: string): ImportSource {
  const format = formatOf(fileName, content);
  if (format === null) throw new Error('The file is empty.');
  if (format === 'json') {
    let rows: unknown[];
    try {
      rows = jsonRows(content);
    } catch (error) {
      throw new Error(error instanceof SyntaxError ? `The file is not valid JSON: ${error.message}` : (error as Error).message);
    }
    const columns: string[] = [];
    for (const row of rows) {
      if (!row || typeof row !== 'object' || Array.isArray(row)) continue;
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    }
    if (columns.length === 0) throw new Error('The JSON file holds no objects to import.');
    return { format, columns, rowCount: rows.length };
  }
  const columns = parseCsvHeader(content);
  if (columns.every((column) => column === '')) throw new Error('The CSV file has no header line.');
  const seen = new Set<string>();
  for (const column of columns) {
    if (column === '') continue;
    // The server compares column names case-insensitively.
    if (seen.has(column.toLowerCase())) throw new Error(`The CSV header names the column "${column}" twice.`);
    seen.add(column.toLowerCase());
  }
  return { format, columns: columns.filter((column) => column !== ''), rowCount: countCsvRows(content) };
}

/** One target of the mapping Select. */
export interface TargetField {
  value: string;
  label: string;
  group: 'Common fields' | 'Attributes' | 'Custom fields' | 'Relationship';
}

/** The fields of a relationship import (the server's `RELATIONSHIP_IMPORT_FIELDS`), with labels. */
export const RELATIONSHIP_TARGETS: readonly TargetField[] = [
  { value: 'source', label: 'Source item', group: 'Relationship' },
  { value: 'type', label: 'Relationship type', group: 'Relationship' },
  { value: 'target', label: 'Target item', group: 'Relationship' },
  { value: 'sourceType', label: 'Source item type', group: 'Relationship' },
  { value: 'targetType', label: 'Target item type', group: 'Relationship' },
];

/**
 * Every field a column can be imported into for a type: common fields, its attributes and its custom fields (sent as
 * `customFields.<key>`; the server checks each value against the field's definition, row by row).
 */
export function targetFields(type: CiTypeInfo | undefined): TargetField[] {
  return [
    ...COMMON_FIELDS.map((field) => ({ value: field.key, label: field.label, group: 'Common fields' as const })),
    ...attributeFields(type).map((field) => ({ value: field.key, label: field.label, group: 'Attributes' as const })),
    ...customFieldSpecs(type).map((field) => ({ value: field.key, label: field.label, group: 'Custom fields' as const })),
  ];
}

const normalize = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The names a target answers to: its key, its label, and for attributes/custom fields `attr.x`, `cf.x` and `x`. */
function aliasesOf(target: TargetField): string[] {
  const aliases = [target.value, target.label];
  if (target.value.startsWith('attributes.')) {
    const key = target.value.slice('attributes.'.length);
    aliases.push(`attr.${key}`, `attribute.${key}`);
  } else if (target.value.startsWith('customFields.')) {
    const key = target.value.slice('customFields.'.length);
    aliases.push(`cf.${key}`, `custom.${key}`, `customField.${key}`);
  }
  return aliases.map(normalize);
}

/** Bare keys of attributes and custom fields (`cpuCores`), matched only after every explicit alias. */
function bareKeyOf(target: TargetField): string | null {
  const dot = target.value.indexOf('.');
  return dot < 0 ? null : normalize(target.value.slice(dot + 1));
}

/**
 * The starting mapping: each column to the field whose key, label or prefixed key (`attr.x`, `cf.x`) matches its
 * name case-insensitively (ignoring spaces and punctuation), then by bare attribute/custom-field key; '' (ignore)
 * when nothing matches. A field is taken by one column at most.
 */
export function autoMapping(columns: readonly string[], targets: readonly TargetField[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const taken = new Set<string>();
  for (const column of columns) {
    const name = normalize(column);
    const match = targets.find((target) => !taken.has(target.value) && aliasesOf(target).includes(name));
    if (match) {
      mapping[column] = match.value;
      taken.add(match.value);
    }
  }
  for (const column of columns) {
    if (mapping[column] !== undefined) continue;
    const name = normalize(column);
    const match = targets.find((target) => !taken.has(target.value) && bareKeyOf(target) === name);
    mapping[column] = match?.value ?? '';
    if (match) taken.add(match.value);
  }
  return mapping;
}

/** Human-readable size of a file. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A preset column and the file column that feeds it, if any. */
export interface PresetColumnMatch {
  spec: ImportPresetColumn;
  column: string | null;
}

/** Which file column feeds each of the preset's columns: the first of its header names the file has, case-insensitively. */
export function matchPresetColumns(preset: ImportPreset, columns: readonly string[]): PresetColumnMatch[] {
  const byName = new Map(columns.map((column) => [column.trim().toLowerCase(), column]));
  return preset.columns.map((spec) => ({
    spec,
    column: spec.headers.map((header) => byName.get(header.toLowerCase())).find((column) => column !== undefined) ?? null,
  }));
}

/**
 * The preset a file's header looks like it was exported for: the one with every required column present and the
 * most columns matched (at least four), or null.
 */
export function suggestPreset(presets: readonly ImportPreset[], columns: readonly string[]): ImportPreset | null {
  let best: { preset: ImportPreset; matched: number } | null = null;
  for (const preset of presets) {
    const matches = matchPresetColumns(preset, columns);
    if (matches.some((m) => m.spec.required && m.column === null)) continue;
    const matched = matches.filter((m) => m.column !== null).length;
    if (matched >= 4 && (best === null || matched > best.matched)) best = { preset, matched };
  }
  return best?.preset ?? null;
}
