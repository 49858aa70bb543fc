import type { MetricCollector, MetricSeries } from './collector';
import { createCpuCollector } from './cpu.collector';
import { createDiskIoCollector } from './disk-io.collector';
import { createFilesystemCollector } from './filesystem.collector';
import { createMemoryCollector } from './memory.collector';
import { createNetworkIoCollector } from './network-io.collector';

/** The metrics collectors an agent runs; each reads /proc or statfs only, so a round costs a few milliseconds. */
export function defaultMetricCollectors(): MetricCollector[] {
  return [createCpuCollector(), createMemoryCollector(), createFilesystemCollector(), createDiskIoCollector(), createNetworkIoCollector()];
}

/** Runs every metrics collector for one instant; a failing collector costs only its own series. */
export async function collectMetrics(
  collectors: MetricCollector[],
  at = Date.now(),
): Promise<{ series: MetricSeries[]; failures: string[] }> {
  const failures: string[] = [];
  const parts = await Promise.all(
    collectors.map((c) =>
      c.collect(at).catch((error: unknown) => {
        failures.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
        return [] as MetricSeries[];
      }),
    ),
  );
  return { series: parts.flat().filter((s) => s.points.every(([, v]) => Number.isFinite(v))), failures };
}
