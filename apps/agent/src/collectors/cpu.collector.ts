import { readFile } from 'node:fs/promises';
import { type MetricCollector, type MetricSeries, point } from './collector';

/** Total and idle jiffies from the first line of /proc/stat. */
export function parseCpuTimes(procStat: string): { total: number; idle: number } | null {
  const line = procStat.split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return null;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** The modes of a /proc/stat cpu line, in its order, by node_exporter's names. */
const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
/** Clock ticks per second of /proc/stat's counters: USER_HZ, 100 on every Linux architecture node_exporter reads. */
const USER_HZ = 100;
/** Cores reported per mode at most: 512 cores × 8 modes stays inside a report's 5,000 series. */
const MAX_CORES = 512;

/** Seconds each core spent in each mode since boot, from the `cpuN` lines of /proc/stat (node_cpu_seconds_total). */
export function parsePerCpuSeconds(procStat: string): Array<{ cpu: string; mode: (typeof CPU_MODES)[number]; seconds: number }> {
  const out: Array<{ cpu: string; mode: (typeof CPU_MODES)[number]; seconds: number }> = [];
  for (const line of procStat.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match || Number(match[1]) >= MAX_CORES) continue;
    const fields = (match[2] as string).trim().split(/\s+/).map(Number);
    CPU_MODES.forEach((mode, i) => {
      const ticks = fields[i];
      if (ticks !== undefined && Number.isFinite(ticks)) out.push({ cpu: match[1] as string, mode, seconds: ticks / USER_HZ });
    });
  }
  return out;
}

/**
 * `cpu.usage` (percent of all cores busy since the previous collection; absent on the first), `cpu.seconds` per core
 * and mode (counters, node_exporter's node_cpu_seconds_total), and `load.1`, `load.5`, `load.15` from /proc/stat and
 * /proc/loadavg.
 */
export function createCpuCollector(): MetricCollector {
  let previous: { total: number; idle: number } | null = null;
  return {
    name: 'cpu',
    async collect(at) {
      const series: MetricSeries[] = [];
      const procStat = await readFile('/proc/stat', 'utf8');
      const times = parseCpuTimes(procStat);
      if (times && previous && times.total > previous.total) {
        const busy = 1 - (times.idle - previous.idle) / (times.total - previous.total);
        series.push(point('cpu.usage', at, Math.round(Math.min(1, Math.max(0, busy)) * 10_000) / 100));
      }
      previous = times;
      for (const { cpu, mode, seconds } of parsePerCpuSeconds(procStat)) series.push(point('cpu.seconds', at, seconds, { cpu, mode }));
      const [l1, l5, l15] = (await readFile('/proc/loadavg', 'utf8')).split(' ').map(Number);
      for (const [name, value] of [
        ['load.1', l1],
        ['load.5', l5],
        ['load.15', l15],
      ] as const)
        if (Number.isFinite(value)) series.push(point(name, at, value as number));
      return series;
    },
  };
}
