import { readdir, readFile } from 'node:fs/promises';
import { type MetricCollector, type MetricSeries, point } from './collector';

const SECTOR_BYTES = 512;

/** Bytes read and written since boot per device, from /proc/diskstats (sectors are always 512 bytes there). */
export function parseDiskstats(text: string, devices: ReadonlySet<string>): Array<{ device: string; read: number; written: number }> {
  const out: Array<{ device: string; read: number; written: number }> = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const device = fields[2];
    if (!device || !devices.has(device)) continue;
    out.push({ device, read: Number(fields[5]) * SECTOR_BYTES, written: Number(fields[9]) * SECTOR_BYTES });
  }
  return out;
}

/**
 * `disk.read_bytes` and `disk.written_bytes` (counters since boot) per whole block device (label `device`);
 * partitions, loop and RAM devices are left out.
 */
export function createDiskIoCollector(): MetricCollector {
  return {
    name: 'disk-io',
    async collect(at) {
      const devices = new Set((await readdir('/sys/block').catch(() => [] as string[])).filter((d) => !/^(loop|ram|zram|dm-|sr)/.test(d)));
      const series: MetricSeries[] = [];
      for (const { device, read, written } of parseDiskstats(await readFile('/proc/diskstats', 'utf8'), devices)) {
        series.push(point('disk.read_bytes', at, read, { device }));
        series.push(point('disk.written_bytes', at, written, { device }));
      }
      return series;
    },
  };
}
