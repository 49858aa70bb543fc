import type { CiTypeInfo } from '@estate/contract';

/** One record of a structured attribute: an interface, a disk, a filesystem. */
export type Row = Record<string, unknown>;

/** Whether a value is a record (not null, not a list). */
export function isPlainObject(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether an attribute's value is a structure rather than a scalar or a list of scalars: a list of records (the
 * interfaces, disks and filesystems an agent reports) or a record. Those are shown as tables or JSON, not in the
 * grid of facts.
 */
export function isStructured(value: unknown): boolean {
  return isPlainObject(value) || (Array.isArray(value) && value.length > 0 && value.some(isPlainObject));
}

/**
 * The column keys of a list of records: the order the type's schema declares for the items (`name`, `mac`,
 * `addresses` for interfaces), then any other key in the order the rows first use it.
 */
export function structureColumns(rows: readonly Row[], type: CiTypeInfo | undefined, key: string): string[] {
  const schema = type?.attributes as { properties?: Record<string, { items?: { properties?: Record<string, unknown> } }> } | undefined;
  const declared = Object.keys(schema?.properties?.[key]?.items?.properties ?? {});
  const used = new Set(rows.flatMap((row) => Object.keys(row)));
  return [...declared.filter((k) => used.has(k)), ...[...used].filter((k) => !declared.includes(k))];
}
