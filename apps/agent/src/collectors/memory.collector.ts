import { readFile } from 'node:fs/promises';
import { type MetricCollector, type MetricSeries, point } from './collector';

/** The fields of /proc/meminfo in bytes (the file gives kB). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (match) out[match[1] as string] = Number(match[2]) * (line.includes('kB') ? 1024 : 1);
  }
  return out;
}

/** `mem.used_bytes` (total less available), `mem.available_bytes`, `swap.used_bytes` from /proc/meminfo. */
export function createMemoryCollector(): MetricCollector {
  return {
    name: 'memory',
    async collect(at) {
      const info = parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
      const series: MetricSeries[] = [];
      const total = info.MemTotal;
      const available = info.MemAvailable ?? (info.MemFree ?? 0) + (info.Buffers ?? 0) + (info.Cached ?? 0);
      if (total !== undefined) {
        series.push(point('mem.used_bytes', at, total - available));
        series.push(point('mem.available_bytes', at, available));
      }
      if (info.SwapTotal !== undefined && info.SwapFree !== undefined)
        series.push(point('swap.used_bytes', at, info.SwapTotal - info.SwapFree));
      return series;
    },
  };
}
