import { execFile } from 'node:child_process';
import type { HostSnapshot, MetricsReport } from '@estate/contract';

/**
 * The one shape of every collector: a name for logs and a `collect` that reads the host and answers its part.
 * A collector never throws for a missing tool or file (no rpm on Debian, no systemd in a container): it answers
 * what it could read, possibly nothing. It may throw only for a real fault, which the caller logs and skips.
 */
export interface Collector<T> {
  readonly name: string;
  collect(at: number): Promise<T>;
}

/** An inventory collector answers part of the host snapshot. */
export type InventoryCollector = Collector<Partial<HostSnapshot>>;

/** One metric series as a metrics report carries it. */
export type MetricSeries = MetricsReport['series'][number];

/** A metrics collector answers one point (at the given time) for each series it measures. */
export type MetricCollector = Collector<MetricSeries[]>;

/** Builds a one-point series. Non-finite values are left out by the callers. */
export function point(name: string, at: number, value: number, labels?: Record<string, string>): MetricSeries {
  return labels ? { name, labels, points: [[at, value]] } : { name, points: [[at, value]] };
}

/**
 * Runs a command without a shell and resolves with its standard output, or null when it is not installed, fails
 * or takes longer than `timeoutMs`.
 */
export function runCommand(file: string, args: string[], timeoutMs = 60_000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

const PSEUDO_FS =
  /^(proc|sysfs|tmpfs|devtmpfs|devpts|cgroup2?|securityfs|pstore|bpf|debugfs|tracefs|mqueue|hugetlbfs|fusectl|configfs|autofs|binfmt_misc|squashfs|nsfs|ramfs|rpc_pipefs|efivarfs|selinuxfs|nfsd|fuse\.[a-z]+|overlay)$/;

/** One line of /proc/mounts. */
export interface Mount {
  device: string;
  mount: string;
  fsType: string;
}

/**
 * The mounts worth reporting from /proc/mounts: real filesystems, each mount point once. Pseudo and in-memory
 * filesystems are skipped, except an overlay root (a container's `/`).
 */
export function realMounts(procMounts: string): Mount[] {
  const seen = new Set<string>();
  const out: Mount[] = [];
  for (const line of procMounts.split('\n')) {
    const [device, rawMount, fsType] = line.split(' ');
    if (!device || !rawMount || !fsType) continue;
    // /proc/mounts escapes spaces and tabs in paths as octal.
    const mount = rawMount.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    if (PSEUDO_FS.test(fsType) && !(fsType === 'overlay' && mount === '/')) continue;
    if (seen.has(mount)) continue;
    seen.add(mount);
    out.push({ device, mount, fsType });
  }
  return out;
}
