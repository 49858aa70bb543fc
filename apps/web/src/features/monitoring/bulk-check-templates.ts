import type { CreateCheckRequest } from '@estate/contract';

/** The kinds of check the inventory can create for many CIs at once. */
export type BulkTemplateId = 'icmp' | 'tcp' | 'http' | 'tls';

/** The templates in the order the dialog offers them, with the check type each creates. */
export const BULK_TEMPLATES: readonly { id: BulkTemplateId; label: string; type: string }[] = [
  { id: 'icmp', label: 'Ping', type: 'icmp' },
  { id: 'tcp', label: 'TCP port', type: 'tcp' },
  { id: 'http', label: 'HTTP(S) URL', type: 'http' },
  { id: 'tls', label: 'TLS certificate', type: 'tls' },
];

/** What the dialog's fields hold. */
export interface BulkTemplateValues {
  template: BulkTemplateId;
  /** The port of TCP and TLS checks. */
  port: number;
  /** The URL of HTTP checks, with `{name}`, `{host}` and `{ip}` filled per CI. */
  urlPattern: string;
  intervalSeconds: number;
}

export const DEFAULT_TEMPLATE_VALUES: BulkTemplateValues = {
  template: 'icmp',
  port: 443,
  urlPattern: 'https://{host}/',
  intervalSeconds: 60,
};

/** What the templates read of a CI. */
export interface CiForChecks {
  id: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** One CI's row of the preview: the check it gets, or why it gets none. */
export interface PlannedCheck {
  ci: CiForChecks;
  request: CreateCheckRequest | null;
  /** Why the CI gets no check (a placeholder it has no value for). */
  problem: string | null;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The CI's first IP address: its management address, else the first of its addresses. */
export function ipOf(ci: CiForChecks): string | undefined {
  const ips = Array.isArray(ci.attributes.ipAddresses) ? ci.attributes.ipAddresses : [];
  return text(ci.attributes.managementIp) ?? ips.map(text).find((ip) => ip !== undefined);
}

/** The name to reach the CI by: its FQDN, host name, IP address, or else its name. */
export function hostOf(ci: CiForChecks): string {
  return text(ci.attributes.fqdn) ?? text(ci.attributes.hostname) ?? ipOf(ci) ?? ci.name;
}

/** Fills `{name}`, `{host}` and `{ip}` for a CI; answers the placeholders it has no value for. */
export function fillPattern(pattern: string, ci: CiForChecks): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = pattern.replace(/\{(name|host|ip)\}/g, (_, key: string) => {
    const filled = key === 'name' ? ci.name : key === 'host' ? hostOf(ci) : ipOf(ci);
    if (filled === undefined) {
      missing.push(key);
      return '';
    }
    // A host that is an IPv6 address goes in brackets inside a URL.
    return filled.includes(':') ? `[${filled}]` : filled;
  });
  return { value, missing };
}

/** The check each CI gets from the template, bound to it; CIs the template cannot fill say why. */
export function planChecks(cis: readonly CiForChecks[], values: BulkTemplateValues): PlannedCheck[] {
  return cis.map((ci) => planOne(ci, values));
}

function planOne(ci: CiForChecks, values: BulkTemplateValues): PlannedCheck {
  const base = { enabled: true, intervalSeconds: values.intervalSeconds, ciIds: [ci.id] };
  const host = hostOf(ci);
  if (values.template === 'icmp')
    return { ci, problem: null, request: { ...base, name: `${ci.name} ping`, type: 'icmp', config: { host } } };
  if (values.template === 'tcp' || values.template === 'tls') {
    const name = `${ci.name} ${values.template.toUpperCase()} ${values.port}`;
    return { ci, problem: null, request: { ...base, name, type: values.template, config: { host, port: values.port } } };
  }
  const { value, missing } = fillPattern(values.urlPattern, ci);
  if (missing.length > 0) return { ci, request: null, problem: `has no ${missing.map((m) => (m === 'ip' ? 'IP address' : m)).join(', ')}` };
  const label = value.toLowerCase().startsWith('https:') ? 'HTTPS' : 'HTTP';
  return { ci, problem: null, request: { ...base, name: `${ci.name} ${label}`, type: 'http', config: { url: value } } };
}

/**
 * The server's per-item errors (`items[3].config.url` → message) by the preview row they belong to, given which row
 * each sent item came from.
 */
export function rowErrors(fieldErrors: Record<string, string>, rowOfItem: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const [path, message] of Object.entries(fieldErrors)) {
    const match = /^items\[(\d+)\]\.?(.*)$/.exec(path);
    const row = match ? rowOfItem[Number(match[1])] : undefined;
    if (row === undefined || out.has(row)) continue;
    out.set(row, match?.[2] ? `${match[2]} ${message}` : message);
  }
  return out;
}
