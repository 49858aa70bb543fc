import type { SeriesBatch } from './metric-sink';

/**
 * How an agent's metric names (`apps/agent/src/collectors/*.collector.ts`) are stored: node_exporter's name and unit
 * where node_exporter has the same measurement, otherwise an `estate_host_*` name. A name not in the table is stored
 * as `estate_agent_<name with dots and other characters a Prometheus name cannot have as underscores>`.
 */
interface AgentSeriesName {
  /** The stored metric name. */
  metric: string;
  /** Agent label → stored label (node_exporter's label names). Labels not listed keep their name. */
  labels?: Readonly<Record<string, string>>;
  /** Multiplies the reported value (the agent's percent → a ratio). */
  scale?: number;
}

/** The mapping, one row per agent metric name. */
export const AGENT_SERIES_NAMES: Readonly<Record<string, AgentSeriesName>> = {
  // Percent of all cores busy since the previous collection: node_exporter has no such gauge, so Estate's own name, as
  // a 0–1 ratio. The per-core, per-mode counters node_exporter has are reported too, under its name.
  'cpu.usage': { metric: 'estate_host_cpu_utilisation_ratio', scale: 0.01 },
  'cpu.seconds': { metric: 'node_cpu_seconds_total' },
  'load.1': { metric: 'node_load1' },
  'load.5': { metric: 'node_load5' },
  'load.15': { metric: 'node_load15' },
  'mem.available_bytes': { metric: 'node_memory_MemAvailable_bytes' },
  // node_exporter has MemTotal, not "used"; the sink derives node_memory_MemTotal_bytes as used + available.
  'mem.used_bytes': { metric: 'estate_host_memory_used_bytes' },
  'swap.used_bytes': { metric: 'estate_host_swap_used_bytes' },
  'fs.size_bytes': { metric: 'node_filesystem_size_bytes', labels: { mount: 'mountpoint' } },
  // Blocks in use (size − free): node_exporter has free and avail (free less the root reserve), not used.
  'fs.used_bytes': { metric: 'estate_host_filesystem_used_bytes', labels: { mount: 'mountpoint' } },
  'net.rx_bytes': { metric: 'node_network_receive_bytes_total', labels: { iface: 'device' } },
  'net.tx_bytes': { metric: 'node_network_transmit_bytes_total', labels: { iface: 'device' } },
  'disk.read_bytes': { metric: 'node_disk_read_bytes_total' },
  'disk.written_bytes': { metric: 'node_disk_written_bytes_total' },
};

/** The job label of every series an agent reports. */
export const AGENT_JOB = 'estate-agent';

/** Who reported a batch: the labels that identify its series. */
export interface SampleSource {
  /** The agent's id: the `agent_id` label, so two agents on hosts of the same name never share a series. */
  agentId: string;
  /** The host name the agent reports: the `instance` label. */
  instance: string;
  /** The host's CI, when the agent is linked to one: the `ci_id` label. */
  ciId?: string | null | undefined;
}

/** The stored name of an agent metric name. */
export function storedMetricName(name: string): string {
  return AGENT_SERIES_NAMES[name]?.metric ?? `estate_agent_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** A label name as Prometheus allows it. */
function labelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) || clean.startsWith('__') ? `_${clean.replace(/^_+/, '')}` : clean;
}

/** One stored series: its full label set (`__name__` included) and its points. */
export interface StoredSeries {
  labels: Record<string, string>;
  points: Array<readonly [number, number]>;
}

/**
 * Maps an agent's batch to stored series: names and labels through the table, values scaled, identifying labels
 * added (they win over a reported label of the same name), and node_memory_MemTotal_bytes derived where used and
 * available memory were reported at the same time.
 */
export function toStoredSeries(source: SampleSource, batch: readonly SeriesBatch[]): StoredSeries[] {
  const identity: Record<string, string> = { instance: source.instance, job: AGENT_JOB, agent_id: source.agentId };
  if (source.ciId) identity.ci_id = source.ciId;
  const out: StoredSeries[] = [];
  const memory: Record<string, Map<number, number>> = {};
  for (const s of batch) {
    const row = AGENT_SERIES_NAMES[s.name];
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels ?? {})) labels[row?.labels?.[k] ?? labelName(k)] = v;
    Object.assign(labels, identity, { __name__: storedMetricName(s.name) });
    const scale = row?.scale;
    out.push({ labels, points: scale === undefined ? [...s.points] : s.points.map(([t, v]) => [t, v * scale] as const) });
    if (s.name === 'mem.used_bytes' || s.name === 'mem.available_bytes') {
      const at = memory[s.name] ?? new Map<number, number>();
      memory[s.name] = at;
      for (const [t, v] of s.points) at.set(t, v);
    }
  }
  const used = memory['mem.used_bytes'];
  const available = memory['mem.available_bytes'];
  if (used && available) {
    const points: Array<readonly [number, number]> = [];
    for (const [t, u] of used) {
      const a = available.get(t);
      if (a !== undefined) points.push([t, u + a]);
    }
    if (points.length > 0) out.push({ labels: { ...identity, __name__: 'node_memory_MemTotal_bytes' }, points });
  }
  return out;
}
