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

/**
 * `cpu.usage` (percent of all cores busy since the previous collection; absent on the first) and `load.1`,
 * `load.5`, `load.15` from /proc/stat and /proc/loadavg.
 */
export function createCpuCollector(): MetricCollector {
  let previous: { total: number; idle: number } | null = null;
  return {
    name: 'cpu',
    async collect(at) {
      const series: MetricSeries[] = [];
      const times = parseCpuTimes(await readFile('/proc/stat', 'utf8'));
      if (times && previous && times.total > previous.total) {
        const busy = 1 - (times.idle - previous.idle) / (times.total - previous.total);
        series.push(point('cpu.usage', at, Math.round(Math.min(1, Math.max(0, busy)) * 10_000) / 100));
      }
      previous = times;
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
