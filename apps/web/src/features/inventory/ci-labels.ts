import type { Criticality, Environment, FieldProvenance, LifecycleStatus } from '@estate/contract';
import { CRITICALITIES, ENVIRONMENTS, LIFECYCLE_STATUSES } from '@estate/contract';

/** Turns an enum id such as `in_stock` into words: "In stock". */
export function humanize(id: string): string {
  const words = id.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The label of a value a type's schema allows (`x86_64`, `cri-o`, `24x7`, `business_hours`): the value as it is,
 * since values are not labels; only words joined by underscores read as words ("Business hours").
 */
export function enumLabel(value: string): string {
  return /^[a-z]+(_[a-z]+)+$/.test(value) ? humanize(value) : value;
}

const ACRONYMS = new Set([
  'ip',
  'ips',
  'mac',
  'cpu',
  'gb',
  'tb',
  'mb',
  'os',
  'fqdn',
  'fs',
  'bmc',
  'u',
  'url',
  'id',
  'kw',
  'mm',
  'ups',
  'pdu',
  'san',
  'nas',
  'vlan',
  'dns',
  'sku',
  'ssl',
  'tls',
  'api',
]);

/** Units spelled as they are usually written, neither lower nor upper case. */
const UNITS: Record<string, string> = { mbps: 'Mbps', gbps: 'Gbps' };

/**
 * Turns an attribute key such as `memoryGb`, `ipAddresses` or `heightU` into a label: "Memory GB", "IP addresses",
 * "Height U". Words known as acronyms are upper-cased.
 */
export function labelOfKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase()
    .split(' ')
    .filter(Boolean)
    .map((word) => UNITS[word] ?? (ACRONYMS.has(word) ? (word === 'ips' ? 'IPs' : word.toUpperCase()) : word));
  const first = words[0] ?? '';
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(' ');
}

/** Badge colour of each lifecycle status. */
export const STATUS_COLORS: Record<LifecycleStatus, string> = {
  planned: 'gray',
  ordered: 'indigo',
  in_stock: 'cyan',
  deployed: 'teal',
  in_maintenance: 'yellow',
  retired: 'orange',
  disposed: 'dark',
};

/** Badge colour of each criticality. */
export const CRITICALITY_COLORS: Record<Criticality, string> = { critical: 'red', high: 'orange', medium: 'yellow', low: 'gray' };

/** Select options of the lifecycle statuses, in lifecycle order. */
export const STATUS_OPTIONS = LIFECYCLE_STATUSES.map((value) => ({ value, label: humanize(value) }));
/** Select options of the environments. */
export const ENVIRONMENT_OPTIONS = ENVIRONMENTS.map((value: Environment) => ({ value, label: humanize(value) }));
/** Select options of the criticalities, most critical first. */
export const CRITICALITY_OPTIONS = CRITICALITIES.map((value) => ({ value, label: humanize(value) }));

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** Epoch milliseconds as a relative time, e.g. "3 hr. ago", relative to `now`. */
export function formatRelative(epochMs: number, now = Date.now()): string {
  let amount = (epochMs - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit);
    amount /= size;
  }
  return relative.format(Math.round(amount), 'year');
}

/** A field's provenance as a short hint: "agent · 3 hr. ago". */
export function provenanceHint(provenance: FieldProvenance | undefined): string | null {
  if (!provenance) return null;
  return `${provenance.source} · ${formatRelative(provenance.at)}`;
}

/**
 * Any JSON value as short text for people: booleans as Yes/No, numbers as they are (a port is not "8,420"), arrays
 * joined, a record as `label: value` pairs ("Device: /dev/sda, Size GB: 480"), never as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(formatValue).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') {
    const pairs = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
    if (pairs.length === 0) return '—';
    return pairs.map(([key, v]) => `${labelOfKey(key)}: ${Array.isArray(v) ? `[${formatValue(v)}]` : formatValue(v)}`).join(', ');
  }
  return String(value);
}
