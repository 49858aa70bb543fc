import type { CreateScanRequest, DiscoveryScan, ScanOptions } from '@estate/contract';
import { DEFAULT_SCAN_PORTS } from '@estate/contract';

/** What the scan form edits, as text and plain values. */
export interface ScanFormValues {
  name: string;
  /** One target per line (commas and spaces separate too). */
  targets: string;
  /** Ports separated by commas or spaces; ranges like `8000-8010` expand. */
  ports: string;
  credentialIds: string[];
  options: ScanOptions;
  /** Minutes between runs, or null for on demand only. */
  intervalMinutes: number | null;
}

/** The form's values for a new scan, or for editing `scan`. */
export function scanFormValues(scan?: DiscoveryScan): ScanFormValues {
  return {
    name: scan?.name ?? '',
    targets: scan?.targets.join('\n') ?? '',
    ports: (scan?.ports ?? DEFAULT_SCAN_PORTS).join(', '),
    credentialIds: scan?.credentialIds ?? [],
    options: scan?.options ?? {
      reverseDns: true,
      serviceHints: true,
      tcpLiveness: true,
      ratePerSecond: 200,
      concurrency: 64,
      timeoutMs: 1000,
      force: false,
      snmpPort: 161,
    },
    intervalMinutes: scan?.intervalMinutes ?? null,
  };
}

/** The targets typed in the form: one per line, commas or spaces; blanks dropped. */
export function parseTargets(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** The ports typed in the form, sorted and de-duplicated; `{ error }` naming the first thing that is not a port. */
export function parsePorts(text: string): { ports: number[] } | { error: string } {
  const ports = new Set<number>();
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const range = /^(\d{1,5})-(\d{1,5})$/.exec(part);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(part), Number(part)];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) {
      return { error: `${part} is not a port or port range (1–65535)` };
    }
    if (ports.size + (to - from + 1) > 1000) return { error: 'A scan probes at most 1,000 ports' };
    for (let p = from; p <= to; p++) ports.add(p);
  }
  return { ports: [...ports].sort((a, b) => a - b) };
}

/** The most targets a scan takes, as the contract says. */
const MAX_TARGETS = 256;

/** The form's rule of the targets field: at least one target and at most 256; null when they will do. */
export function targetsRule(text: string): string | null {
  const count = parseTargets(text).length;
  if (count === 0) return 'Enter at least one target';
  return count > MAX_TARGETS ? `A scan has at most ${MAX_TARGETS} targets; use CIDRs or ranges` : null;
}

/** The form's rule of the ports field: what `parsePorts` cannot read, or null. */
export function portsRule(text: string): string | null {
  const parsed = parsePorts(text);
  return 'error' in parsed ? parsed.error : null;
}

/** The request the form's values make; `{ error }` when the ports cannot be read. */
export function scanRequest(values: ScanFormValues): { request: CreateScanRequest } | { error: string } {
  const ports = parsePorts(values.ports);
  if ('error' in ports) return ports;
  return {
    request: {
      name: values.name.trim(),
      targets: parseTargets(values.targets),
      ports: ports.ports,
      credentialIds: values.credentialIds,
      options: values.options,
      intervalMinutes: values.intervalMinutes,
    },
  };
}

/**
 * The server's complaints about targets as lines to show under the targets field: each refused target with why
 * (`targets.3` → the message, which names the target), or the complaint about the targets as a whole.
 */
export function targetErrors(fieldErrors: Record<string, string>): string[] {
  return Object.entries(fieldErrors)
    .filter(([field]) => field === 'targets' || field.startsWith('targets.'))
    .map(([, message]) => message);
}
