import { isIP } from 'node:net';
import type { ImportFieldError, ImportPreset, ImportPresetColumn, ImportValueMap } from '@estate/contract';
import type { TObject } from 'typebox';
import { problems } from '../../../platform/http/problem';
import type { LocationChain } from './import.locations';
import { convert, IMPORT_COMMON_FIELDS, type ImportCommonField, ImportFileError, type MappedRow, type SourceRow } from './import.mapping';
import { importPreset, SKIP } from './presets';

/** A column of the file and the preset column it feeds. */
export interface PresetColumnUse {
  column: string;
  spec: ImportPresetColumn;
}

/** A row read through a preset, before its type's schema is known. */
export interface PresetRow {
  row: number;
  /** The row's CI type: the preset's, or the one its type column maps to; null when that failed (see errors). */
  type: string | null;
  typeDecided: boolean;
  /** Why the row is skipped, when its value maps to no CI type. */
  skipped?: string;
  common: Partial<Record<ImportCommonField, string>>;
  /** Attribute values as text, by key (converted once the type is known). */
  attributes: Record<string, { value: string; column: string }>;
  tags: string[];
  location: LocationChain;
  ips: string[];
  os?: { value: string; column: string };
  /** An address row's device, a relationship row's ends. */
  device?: string;
  source?: string;
  target?: string;
  errors: ImportFieldError[];
}

/**
 * The preset `id` with the request's value-map entries merged in. 400 for an unknown preset, an unknown map, or an
 * entry whose value the map does not allow (naming the value and the values allowed).
 */
export function presetWithOverrides(id: string, overrides: Record<string, Record<string, string>> = {}): ImportPreset {
  const found = importPreset(id);
  if (!found)
    throw problems.validation(`Unknown import preset ${id}.`, [{ path: 'body/preset', message: `is not an import preset (${id})` }]);
  const valueMaps: Record<string, ImportValueMap> = { ...found.valueMaps };
  for (const [name, entries] of Object.entries(overrides)) {
    const map = valueMaps[name];
    if (!map) {
      const known = Object.keys(found.valueMaps).join(', ') || 'none';
      throw problems.validation(`The preset ${id} has no value map ${name}.`, [
        { path: `body/valueMaps/${name}`, message: `is not a value map of this preset (it has: ${known})` },
      ]);
    }
    const errors = Object.entries(entries)
      .filter(([, value]) => !map.allowed.includes(value))
      .map(([from, value]) => ({
        path: `body/valueMaps/${name}/${from}`,
        message: `"${value}" is not a ${map.label}; use one of: ${map.allowed.join(', ')}`,
      }));
    if (errors.length > 0) throw problems.validation(`The ${map.label} map has values it does not allow.`, errors);
    // Keys compare case-insensitively: an override replaces the preset's entry however either is written.
    const overridden = new Set(Object.keys(entries).map((k) => k.toLowerCase()));
    const kept = Object.entries(map.values).filter(([k]) => !overridden.has(k.toLowerCase()));
    valueMaps[name] = { ...map, values: Object.fromEntries([...Object.entries(entries), ...kept]) };
  }
  return { ...found, valueMaps };
}

/**
 * Which column of the file feeds each preset column: the first of its header names the file has (case-insensitive).
 * Columns the preset does not know are ignored. A file error names every required column the file lacks, with the
 * names it may have.
 */
export function resolvePresetColumns(preset: ImportPreset, columns: readonly string[]): PresetColumnUse[] {
  const byName = new Map(columns.map((c) => [c.trim().toLowerCase(), c]));
  const uses: PresetColumnUse[] = [];
  const errors: ImportFieldError[] = [];
  for (const spec of preset.columns) {
    const column = spec.headers.map((h) => byName.get(h.toLowerCase())).find((c) => c !== undefined);
    if (column !== undefined) uses.push({ column, spec });
    else if (spec.required) {
      errors.push({
        field: spec.headers[0] ?? spec.field,
        message: `The file has no column ${spec.headers.map((h) => `"${h}"`).join(' or ')}, which the ${preset.label} preset needs.`,
      });
    }
  }
  if (errors.length > 0) throw new ImportFileError(errors);
  return uses;
}

/** Looks `raw` up in a value map: exact text first, then the first listed word (or its plural) it holds. */
export function lookupValue(map: ImportValueMap, raw: string): string | undefined {
  const text = raw.trim().toLowerCase();
  const exact = Object.entries(map.values).find(([k]) => k.toLowerCase() === text);
  if (exact) return exact[1];
  const joined = ` ${text
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ')} `;
  return map.contains.find((c) => {
    const word = c.word
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
      .join(' ');
    return [` ${word} `, ` ${word}s `, ` ${word}es `].some((form) => joined.includes(form));
  })?.value;
}

/** Why a value is not in a map: the value given and the values known. */
function unmapped(map: ImportValueMap, column: string, raw: string, mapName: string): string {
  const known = Object.keys(map.values).filter((k) => k !== '');
  const words = map.contains.map((c) => c.word);
  const parts = [
    ...(known.length > 0 ? [`one of: ${known.join(', ')}`] : []),
    ...(words.length > 0 ? [`a name holding one of: ${words.join(', ')}`] : []),
  ];
  return `${column} "${raw}" is not a known ${map.label} value; this preset knows ${parts.join(', or ')}. Map it in valueMaps.${mapName} to one of: ${map.allowed.join(', ')}`;
}

const EMPTY = /^(|—|-|–)$/;

function transform(value: string, transforms: ImportPresetColumn['transforms']): string {
  let v = value.trim();
  for (const t of transforms) {
    if (t === 'prefix') v = v.replace(/\/\d{1,3}$/, '');
    else if (t === 'units') v = v.replace(/\s*U$/i, '');
    else if (t === 'date') v = /^(\d{4}-\d{2}-\d{2})([ T].*)?$/.exec(v)?.[1] ?? v;
    else if (t === 'number') v = v.replace(/[^\d.,-]/g, '').replace(/,(?=\d{3}(\D|$))/g, '');
  }
  return v;
}

/** Reads one file row through the preset's columns: fields as text, the type, chain, addresses and tags. */
export function readPresetRow(source: SourceRow, preset: ImportPreset, uses: readonly PresetColumnUse[]): PresetRow {
  const out: PresetRow = {
    row: source.row,
    type: preset.ciType,
    typeDecided: preset.ciType === null,
    common: {},
    attributes: {},
    tags: [],
    location: {},
    ips: [],
    errors: source.problem ? [{ field: '', message: source.problem }] : [],
  };
  for (const { column, spec } of uses) {
    const raw = source.values[column];
    const text = raw === undefined || raw === null ? '' : String(raw).trim();
    const map = spec.valueMap === undefined ? undefined : preset.valueMaps[spec.valueMap];
    if (EMPTY.test(text) && !(map && '' in map.values)) continue;
    let value = transform(text, spec.transforms);
    if (map && spec.valueMap) {
      const mapped = lookupValue(map, value);
      if (mapped === undefined) {
        out.errors.push({ field: spec.field, message: unmapped(map, column, text, spec.valueMap) });
        if (spec.field === 'type') out.type = null;
        continue;
      }
      if (mapped === SKIP) out.skipped = `skipped: ${column} "${text}" is mapped to no CI type`;
      value = mapped;
    }
    put(out, spec.field, value, column, text);
  }
  if (preset.ciType === null && preset.mode === 'cis' && out.type === null && !out.errors.some((e) => e.field === 'type')) {
    const typeColumn = uses.find((u) => u.spec.field === 'type')?.column ?? 'type';
    out.errors.push({ field: 'type', message: `${typeColumn} is empty: it decides the CI type of the row` });
  }
  return out;
}

/** Puts one (transformed, mapped) value where its preset field says. */
function put(out: PresetRow, field: string, value: string, column: string, raw: string): void {
  if (field === 'type') out.type = value === SKIP ? null : value;
  else if (field === 'location.site' || field === 'location.room' || field === 'location.rack')
    out.location[field.slice('location.'.length) as keyof LocationChain] = value;
  else if (field === 'location.path') {
    const [site, ...rest] = value.split(/\s+>\s+/).map((p) => p.trim());
    out.location.site = site;
    if (rest.length > 0) out.location.room = rest.join(' > ');
  } else if (field === 'ip') {
    // Each address of the cell loses its own prefix length: several may share one cell.
    for (const part of raw.split(/\$\$##\$\$|[\s,;]+/).filter(Boolean)) {
      const ip = part.replace(/\/\d{1,3}$/, '');
      if (isIP(ip) === 0) out.errors.push({ field: 'ip', message: `${column} "${part}" is not an IP address` });
      else if (!out.ips.includes(ip)) out.ips.push(ip);
    }
  } else if (field === 'os') out.os = { value, column };
  else if (field === 'tags')
    out.tags.push(
      ...value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    );
  else if (field.startsWith('tag.')) out.tags.push(`${field.slice(4)}:${value.replaceAll(',', ' ')}`.slice(0, 64));
  else if (field.startsWith('attributes.')) out.attributes[field.slice('attributes.'.length)] = { value, column };
  else if (field === 'device' || field === 'source' || field === 'target') out[field] = value;
  else if ((IMPORT_COMMON_FIELDS as readonly string[]).includes(field)) out.common[field as ImportCommonField] = value;
}

/**
 * A preset row as a row of its CI type: attributes converted to their schema types, the operating system and
 * addresses put where the type keeps them, and anything the type has no place for left out with a note.
 */
export function toMappedRow(row: PresetRow, schema: TObject | undefined, chainRow: boolean): MappedRow {
  const props = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  const out: MappedRow = {
    row: row.row,
    type: row.type ?? '',
    common: {},
    attributes: {},
    customFields: {},
    errors: [...row.errors],
    notes: [],
    typeDecided: row.typeDecided,
  };
  if (row.skipped) return { ...out, skipped: row.skipped };
  for (const [field, value] of Object.entries(row.common)) {
    out.common[field as ImportCommonField] = convert(value, field === 'monthlyCost' ? 'number' : 'string', true);
  }
  if (row.tags.length > 0) out.tags = [...new Set(row.tags)];
  const leaveOut = (column: string, what: string) => out.notes?.push(`${column} left out: a ${row.type} has no ${what}`);
  for (const [key, { value, column }] of Object.entries(row.attributes)) {
    if (props[key]) out.attributes[key] = convert(value, props[key]?.type as 'string', true);
    else leaveOut(column, key);
  }
  if (row.os) {
    const key = props.os ? 'os' : props.firmware ? 'firmware' : undefined;
    if (key) out.attributes[key] = row.os.value;
    else leaveOut(row.os.column, 'operating system');
  }
  if (row.ips.length > 0) {
    if (props.ipAddresses) out.addresses = row.ips;
    else if (props.managementIp) {
      out.attributes.managementIp = row.ips[0];
      if (row.ips.length > 1) out.notes?.push(`${row.ips.slice(1).join(', ')} left out: a ${row.type} keeps one management address`);
    } else out.notes?.push(`${row.ips.join(', ')} left out: a ${row.type} has no IP address`);
  }
  if (chainRow) {
    // A location row is found in (or created under) the chain of its parents.
    const { [row.type as keyof LocationChain]: _self, ...parents } = row.location;
    out.location = parents;
    out.place = true;
  } else if (Object.keys(row.location).length > 0) out.location = row.location;
  return out;
}
