import type { CiTypeInfo } from '@estate/contract';
import { humanize } from './ci-labels';

/** Select data of CI types, grouped by category, both sorted by label. */
export function groupedTypeOptions(types: readonly CiTypeInfo[]) {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const type of types) {
    const group = groups.get(type.category) ?? [];
    group.push({ value: type.id, label: type.label });
    groups.set(type.category, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, items]) => ({ group: humanize(category), items: items.sort((a, b) => a.label.localeCompare(b.label)) }));
}

/** The label of a type id, or the id in words when the types are not loaded (yet). */
export function typeLabel(types: readonly CiTypeInfo[] | undefined, id: string): string {
  return types?.find((type) => type.id === id)?.label ?? humanize(id);
}
