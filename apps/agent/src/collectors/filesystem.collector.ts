import { readFile, statfs } from 'node:fs/promises';
import { type MetricCollector, type MetricSeries, point, realMounts } from './collector';

/** `fs.used_bytes` and `fs.size_bytes` per real mount point (label `mount`), from statfs(2). */
export function createFilesystemCollector(): MetricCollector {
  return {
    name: 'filesystem',
    async collect(at) {
      const series: MetricSeries[] = [];
      for (const { mount } of realMounts(await readFile('/proc/mounts', 'utf8'))) {
        try {
          const s = await statfs(mount);
          if (s.blocks === 0) continue;
          series.push(point('fs.used_bytes', at, (s.blocks - s.bfree) * s.bsize, { mount }));
          series.push(point('fs.size_bytes', at, s.blocks * s.bsize, { mount }));
        } catch {
          // A mount we may not stat (permissions, a gone network share) is left out of this round.
        }
      }
      return series;
    },
  };
}
