import type { InstantVector, Labels } from '../metrics/prometheus-http';

/** One host reporting metrics: who it is and its latest CPU, memory and fullest filesystem use (0–1 ratios). */
export interface HostOverview {
  /** The key of the row: the reporting agent's id (its host name when a series lacks it). */
  key: string;
  /** The host's CI, when its agent is linked to one. */
  ciId: string | null;
  /** The host name the agent reports. */
  instance: string;
  cpu: number | null;
  memory: number | null;
  fullestFilesystem: { mountpoint: string; ratio: number } | null;
}

/** One filesystem of one host and how full it is. */
export interface FilesystemOverview {
  hostKey: string;
  ciId: string | null;
  instance: string;
  mountpoint: string;
  /** Used / size, 0–1. */
  ratio: number;
  sizeBytes: number | null;
}

/** The home page's data: hosts by name, and the fullest filesystems, fullest first. */
export interface EstateOverview {
  hosts: HostOverview[];
  fullestFilesystems: FilesystemOverview[];
}

/** The instant vectors the overview is built from, one PromQL expression each (see `OVERVIEW_QUERIES`). */
export interface OverviewVectors {
  cpu: InstantVector;
  memory: InstantVector;
  filesystems: InstantVector;
  filesystemSizes: InstantVector;
}

/** The PromQL of each vector: the latest value of every host's series, ratios computed by the server. */
export const OVERVIEW_QUERIES: Readonly<Record<keyof OverviewVectors, string>> = {
  cpu: 'estate_host_cpu_utilisation_ratio',
  memory: 'estate_host_memory_used_bytes / node_memory_MemTotal_bytes',
  filesystems: 'estate_host_filesystem_used_bytes / node_filesystem_size_bytes',
  filesystemSizes: 'node_filesystem_size_bytes',
};

/** How many filesystems the "fullest filesystems" list shows. */
export const FULLEST_FILESYSTEMS = 10;

const hostKey = (metric: Labels) => metric.agent_id ?? metric.instance ?? '';
const finite = (text: string) => {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
};

/**
 * Joins the vectors into one row per host (by agent) and the `limit` fullest filesystems. A host appears when any
 * of its series does; what it did not report reads null.
 */
export function buildOverview(vectors: OverviewVectors, limit = FULLEST_FILESYSTEMS): EstateOverview {
  const hosts = new Map<string, HostOverview>();
  const hostOf = (metric: Labels): HostOverview => {
    const key = hostKey(metric);
    let host = hosts.get(key);
    if (!host) {
      host = { key, ciId: metric.ci_id ?? null, instance: metric.instance ?? key, cpu: null, memory: null, fullestFilesystem: null };
      hosts.set(key, host);
    }
    host.ciId ??= metric.ci_id ?? null;
    return host;
  };
  for (const { metric, value } of preferLinked(vectors.cpu)) hostOf(metric).cpu = finite(value[1]);
  for (const { metric, value } of preferLinked(vectors.memory)) hostOf(metric).memory = finite(value[1]);

  const fsKey = (metric: Labels) => `${hostKey(metric)}\n${metric.mountpoint ?? '?'}`;
  const sizes = new Map(preferLinked(vectors.filesystemSizes).map(({ metric, value }) => [fsKey(metric), finite(value[1])]));
  const filesystems: FilesystemOverview[] = [];
  for (const { metric, value } of preferLinked(vectors.filesystems)) {
    const ratio = finite(value[1]);
    const host = hostOf(metric);
    if (ratio === null) continue;
    const mountpoint = metric.mountpoint ?? '?';
    filesystems.push({
      hostKey: host.key,
      ciId: host.ciId,
      instance: host.instance,
      mountpoint,
      ratio,
      sizeBytes: sizes.get(fsKey(metric)) ?? null,
    });
    if (!host.fullestFilesystem || ratio > host.fullestFilesystem.ratio) host.fullestFilesystem = { mountpoint, ratio };
  }
  filesystems.sort((a, b) => b.ratio - a.ratio || a.instance.localeCompare(b.instance) || a.mountpoint.localeCompare(b.mountpoint));
  const rows = [...hosts.values()].sort((a, b) => a.instance.localeCompare(b.instance) || a.key.localeCompare(b.key));
  return { hosts: rows, fullestFilesystems: filesystems.slice(0, limit) };
}

/**
 * Drops the series of an agent that lack `ci_id` when the agent also has series with it: its first reports may
 * predate its CI, and within the instant query's lookback both answer for the same measurement.
 */
function preferLinked(vector: InstantVector): InstantVector {
  const linked = new Set(vector.filter(({ metric }) => metric.ci_id !== undefined).map(({ metric }) => hostKey(metric)));
  return vector.filter(({ metric }) => metric.ci_id !== undefined || !linked.has(hostKey(metric)));
}

/** A sort of the hosts table: by name, or by a usage column, fullest first when descending. */
export interface HostSort {
  key: 'name' | 'cpu' | 'memory' | 'disk';
  direction: 'asc' | 'desc';
}

/** Sorts host rows; `nameOf` gives a row's shown name (its CI's name once loaded). Missing values sort last. */
export function sortHosts(rows: readonly HostOverview[], sort: HostSort, nameOf: (row: HostOverview) => string): HostOverview[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const usageOf = (row: HostOverview): number | null =>
    sort.key === 'cpu' ? row.cpu : sort.key === 'memory' ? row.memory : (row.fullestFilesystem?.ratio ?? null);
  return [...rows].sort((a, b) => {
    if (sort.key === 'name') return sign * nameOf(a).localeCompare(nameOf(b));
    const va = usageOf(a);
    const vb = usageOf(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return sign * (va - vb) || nameOf(a).localeCompare(nameOf(b));
  });
}
