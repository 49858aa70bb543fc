import type { CheckRunStatus, CheckState, ConditionVerdict } from '@estate/contract';

/** The colour of each state and run status: up teal, degraded yellow, down red, unknown gray. */
export const STATE_COLORS: Record<CheckState | CheckRunStatus, string> = { up: 'teal', degraded: 'yellow', down: 'red', unknown: 'gray' };

/** How a check type is named in lists and selects: `HTTP(S)`, `TCP port`, `Ping (ICMP)`, `Push (heartbeat)`, or in capitals (`DNS`). */
export function checkTypeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type.toUpperCase();
}

/** How forms, lists and titles name each check type; an unknown type shows as its name in capitals. */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  http: 'HTTP(S)',
  tcp: 'TCP port',
  icmp: 'Ping (ICMP)',
  dns: 'DNS',
  tls: 'TLS certificate',
  smtp: 'SMTP',
  imap: 'IMAP',
  postgres: 'PostgreSQL',
  mysql: 'MySQL / MariaDB',
  redis: 'Redis',
  prometheus: 'Prometheus scrape',
  snmp: 'SNMP',
  'snmp-interfaces': 'SNMP interfaces',
  push: 'Push (heartbeat)',
  systemd: 'systemd service',
  process: 'Process',
  filesystem: 'Filesystem',
  file: 'File',
  'certificate-file': 'Certificate file',
  nagios: 'Nagios plugin',
};

/**
 * An uptime ratio (0–1) as a percentage with three decimals, rounded down so that a check that was down at all never
 * reads "100.000%"; "—" when the state was never known in the period.
 */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return '—';
  // The small epsilon keeps 0.99987 (99986.99999… after the multiplication) from flooring one step too low.
  const thousandths = Math.min(100_000, Math.floor(ratio * 100_000 + 1e-6));
  return `${(thousandths / 1000).toFixed(3)}%`;
}

const SPANS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** How a day's uptime bar looks: no data, at least 99.9 %, 99 %, 95 %, or worse. */
export function uptimeBarTone(ratio: number | null): 'none' | 'good' | 'fair' | 'poor' | 'bad' {
  if (ratio === null) return 'none';
  if (ratio >= 0.999) return 'good';
  if (ratio >= 0.99) return 'fair';
  if (ratio >= 0.95) return 'poor';
  return 'bad';
}

/** A span of time as at most its two largest units: "0 s", "42 s", "4 min 12 s", "1 h 3 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 1000) * 1000);
  for (const [size, unit] of SPANS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

/** How long a run took: "12 ms", "1.23 s"; "—" for null. */
export function formatRunDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** One condition of a run as the UI shows it. */
export interface ConditionLine {
  condition: string;
  passed: boolean;
  /** "warning" for a warning condition, else "condition". */
  kind: 'condition' | 'warning';
  /** Why it failed, with the value seen; null when it passed. */
  reason: string | null;
}

/** A run's verdicts as lines to show, failed ones first (in their order), then the passed ones. */
export function conditionLines(verdicts: readonly ConditionVerdict[]): ConditionLine[] {
  const lines = verdicts.map((v) => ({
    condition: v.condition,
    passed: v.passed,
    kind: v.warning ? ('warning' as const) : ('condition' as const),
    reason: v.passed ? null : (v.reason ?? 'failed'),
  }));
  return [...lines.filter((l) => !l.passed), ...lines.filter((l) => l.passed)];
}

/** One row of a run's details table. */
export interface DetailRow {
  key: string;
  value: string;
}

/** `dnsMs` → "DNS", `bodyBytes` → "body bytes", `certificateValidTo` → "certificate valid to". */
function labelOf(key: string): string {
  const words = key
    .replace(/Ms$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.replace(/\b(dns|tls|ip|url|tcp|http)\b/g, (w) => w.toUpperCase());
}

function detailValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' && /Ms$/.test(key)) return formatRunDuration(value);
  return String(value);
}

/**
 * What a run measured, as key/value rows for a small table (never JSON): nested objects become "timings › DNS",
 * arrays of objects are numbered when there are several ("hops 2 › status"), arrays of plain values are joined,
 * millisecond fields (`…Ms`) are formatted as durations. An object equal to one already shown is left out (an HTTP
 * check's `timings` are its last hop's), and top-level arrays come last so that the run's own numbers lead.
 */
export function detailRows(details: Record<string, unknown>): DetailRow[] {
  const rows: DetailRow[] = [];
  const shown = new Set<string>();
  const walk = (label: string, key: string, value: unknown) => {
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== 'object' || v === null)) {
        rows.push({ key: label, value: value.length ? value.map((v) => detailValue(key, v)).join(', ') : '—' });
        return;
      }
      value.forEach((item, i) => {
        walk(value.length === 1 ? label : `${label} ${i + 1}`, key, item);
      });
      return;
    }
    if (typeof value === 'object' && value !== null) {
      const identity = JSON.stringify(value);
      if (shown.has(identity)) return;
      shown.add(identity);
      for (const [k, v] of Object.entries(value)) walk(`${label} › ${labelOf(k)}`, k, v);
      return;
    }
    rows.push({ key: label, value: detailValue(key, value) });
  };
  const entries = Object.entries(details);
  const ordered = [...entries.filter(([, v]) => !Array.isArray(v)), ...entries.filter(([, v]) => Array.isArray(v))];
  for (const [key, value] of ordered) walk(labelOf(key), key, value);
  return rows;
}

const PERIOD_LABELS: Record<string, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days' };

/** An uptime period's label in words: `24h` → "Last 24 hours"; anything else as it is. */
export function uptimePeriodLabel(label: string): string {
  return PERIOD_LABELS[label] ?? label;
}

/**
 * The latency series of a check's results for the chart: `[epoch seconds, seconds]` per run that reached a verdict,
 * oldest first. Runs that ended unknown (no verdict, often a timeout cut short) are left out: their duration is not
 * the target's latency.
 */
export function latencyPoints(results: readonly { at: number; durationMs: number; status: string }[]): [number, number][] {
  return results
    .filter((r) => r.status !== 'unknown')
    .map((r): [number, number] => [r.at / 1000, r.durationMs / 1000])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * The time span (epoch seconds) the latency chart shows for `points`: from the first run to the last, and at least
 * `minSeconds` wide around them, so that one or two runs do not stretch the axis over years.
 */
export function latencySpan(points: readonly (readonly [number, number])[], minSeconds: number): { from: number; to: number } | undefined {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return undefined;
  const pad = Math.max(0, minSeconds - (last[0] - first[0])) / 2;
  return { from: first[0] - pad, to: last[0] + pad };
}

/** A push check's expectation in words: "every 1 d (grace 1 h)", "at 0 3 * * * Europe/Berlin (grace 30 min)". */
export function pushExpectation(config: Record<string, unknown>): string {
  const words = (seconds: number) =>
    seconds % 86_400 === 0
      ? `${seconds / 86_400} d`
      : seconds % 3_600 === 0
        ? `${seconds / 3_600} h`
        : seconds % 60 === 0
          ? `${seconds / 60} min`
          : `${seconds} s`;
  const grace = `grace ${words(typeof config.graceSeconds === 'number' ? config.graceSeconds : 300)}`;
  if (typeof config.periodSeconds === 'number') return `every ${words(config.periodSeconds)} (${grace})`;
  return `at ${String(config.schedule)} ${typeof config.timezone === 'string' ? config.timezone : 'UTC'} (${grace})`;
}
