import type { CiTypeInfo } from '@estate/contract';
import { formatDateTime } from '../../components/format-time';
import { attributeFields, COMMON_FIELDS, customFieldSpecs, type FieldSpec } from './ci-fields';
import { formatValue, humanize, labelOfKey } from './ci-labels';
import { isPlainObject } from './structured-attribute';

/** One field change as history and diffs carry it: the field's history name and its values before and after. */
export interface FieldChangeLike {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * A field change in words for a change log: the field's label, and either its value before and after ("Status:
 * Planned → Deployed") or, for lists, what was added and removed ("Services: added nginx; removed apache2").
 */
export type ReadableChange =
  | { field: string; label: string; kind: 'value'; from: string; to: string }
  | { field: string; label: string; kind: 'list'; added: string[]; removed: string[]; changed: string[] };

/** The field spec behind a history field name (`status`, `attributes.cpuCores`, `customFields.rack`). */
export function fieldSpecOf(field: string, type: CiTypeInfo | undefined): FieldSpec | undefined {
  if (field.startsWith('attributes.')) return attributeFields(type).find((spec) => spec.key === field);
  if (field.startsWith('customFields.')) return customFieldSpecs(type).find((spec) => spec.key === field);
  return COMMON_FIELDS.find((spec) => spec.key === field);
}

/**
 * A history field name as people read it: the type schema's label, else the key in words ("CPU cores"). A size's
 * unit moves to its values ("Memory: 16 GB → 32 GB"), so the line does not say GB twice.
 */
export function historyFieldLabel(field: string, type: CiTypeInfo | undefined): string {
  const label = fieldSpecOf(field, type)?.label ?? labelOfKey(field.replace(/^(attributes|customFields)\./, ''));
  return /Gb$/.test(field) ? label.replace(/\s*\(?GB\)?$/i, '') : label;
}

/** Keys that name a record in a list (an interface, a disk, a filesystem, a port), in order of preference. */
const NAME_KEYS = ['name', 'device', 'mount', 'port', 'path', 'id'];

/** A record of a list in a few words: its name-like field, else its first values. */
function recordName(record: Record<string, unknown>): string {
  const key = NAME_KEYS.find((k) => typeof record[k] === 'string' || typeof record[k] === 'number');
  return key ? String(record[key]) : formatValue(record);
}

const SHOWN_ITEMS = 5;

/** A list shortened for one line: the first few items, then "and 12 more". */
function shortList(items: string[]): string {
  if (items.length === 0) return '—';
  if (items.length <= SHOWN_ITEMS) return items.join(', ');
  return `${items.slice(0, SHOWN_ITEMS).join(', ')} and ${items.length - SHOWN_ITEMS} more`;
}

/** One value of a field as people read it: option labels, dates, sizes with units, Yes/No, lists summarised. */
export function historyValue(field: string, value: unknown, type: CiTypeInfo | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'type' && typeof value === 'string') return humanize(value);
  const spec = fieldSpecOf(field, type);
  const option = spec?.options?.find((o) => o.value === value);
  if (option) return option.label;
  if (typeof value === 'string' && spec?.format === 'date-time' && !Number.isNaN(Date.parse(value)))
    return formatDateTime(Date.parse(value));
  if (typeof value === 'number' && /Gb$/.test(field)) return `${value.toLocaleString()} GB`;
  if (Array.isArray(value)) {
    const items = value.map((item) => (isPlainObject(item) ? recordName(item) : formatValue(item)));
    return shortList(items);
  }
  return formatValue(value);
}

/** The items of a list by name, with each item's content for telling changed items from unchanged ones. */
function keyed(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    const name = isPlainObject(item) ? recordName(item) : formatValue(item);
    out.set(name, JSON.stringify(item));
  }
  return out;
}

/**
 * A change made readable. A list that existed before and after (services, ports, disks, addresses) reads as what
 * was added, removed or changed, by name; every other change reads as its value before and after.
 */
export function readableChange(change: FieldChangeLike, type: CiTypeInfo | undefined): ReadableChange {
  const label = historyFieldLabel(change.field, type);
  if (Array.isArray(change.from) && Array.isArray(change.to)) {
    const before = keyed(change.from);
    const after = keyed(change.to);
    const added = [...after.keys()].filter((k) => !before.has(k));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
    if (added.length + removed.length + changed.length > 0) return { field: change.field, label, kind: 'list', added, removed, changed };
  }
  return {
    field: change.field,
    label,
    kind: 'value',
    from: historyValue(change.field, change.from, type),
    to: historyValue(change.field, change.to, type),
  };
}

/** A list change in one line: "added nginx, cron; removed apache2; changed /dev/sda". */
export function listChangeText(change: Extract<ReadableChange, { kind: 'list' }>): string {
  const parts: string[] = [];
  if (change.added.length > 0) parts.push(`added ${shortList(change.added)}`);
  if (change.removed.length > 0) parts.push(`removed ${shortList(change.removed)}`);
  if (change.changed.length > 0) parts.push(`changed ${shortList(change.changed)}`);
  return parts.join('; ');
}
