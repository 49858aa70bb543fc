import { type ImportPreset, type ImportPresetColumn, type ImportValueMap, LIFECYCLE_STATUSES } from '@estate/contract';

/** A value map's target that skips the row (reported `unchanged` with a note) instead of importing it. */
export const SKIP = '-';

/** One column of a preset: its header names (newest export first), where it goes, and how it is read. */
export function column(
  headers: string[],
  field: string,
  options: { transforms?: ImportPresetColumn['transforms']; valueMap?: string; required?: boolean } = {},
): ImportPresetColumn {
  return {
    headers,
    field,
    transforms: options.transforms ?? [],
    ...(options.valueMap ? { valueMap: options.valueMap } : {}),
    required: options.required ?? false,
  };
}

/**
 * A value map: exact values (keys compared case-insensitively) and words a value may contain, tried in order. The
 * allowed values are `allowed` (and {@link SKIP} when `skippable`).
 */
export function valueMap(
  label: string,
  allowed: readonly string[],
  values: Record<string, string>,
  contains: Array<[word: string, value: string]> = [],
  skippable = false,
): ImportValueMap {
  return {
    label,
    values,
    contains: contains.map(([word, value]) => ({ word, value })),
    allowed: [...allowed, ...(skippable ? [SKIP] : [])],
  };
}

/** A lifecycle-status value map. */
export function statusMap(values: Record<string, string>, contains: Array<[string, string]> = []): ImportValueMap {
  return valueMap('status', LIFECYCLE_STATUSES, values, contains);
}

/** A preset, checked to be self-consistent when the module loads (every value map a column names exists). */
export function preset(definition: ImportPreset): ImportPreset {
  for (const c of definition.columns) {
    if (c.valueMap !== undefined && definition.valueMaps[c.valueMap] === undefined) {
      throw new Error(`preset ${definition.id}: column ${c.headers[0]} names the missing value map ${c.valueMap}`);
    }
  }
  for (const [name, map] of Object.entries(definition.valueMaps)) {
    const stray = [...Object.values(map.values), ...map.contains.map((c) => c.value)].find((v) => !map.allowed.includes(v));
    if (stray !== undefined) throw new Error(`preset ${definition.id}: value map ${name} gives ${stray}, which it does not allow`);
  }
  return definition;
}
