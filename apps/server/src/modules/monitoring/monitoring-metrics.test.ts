import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CheckRunner } from './check-runner';
import { registerMonitoringMetrics } from './monitoring-metrics';
import type { CheckRecorder } from './state/check-recorder';

describe('monitoring metrics', () => {
  it("reads the runner's and recorder's figures when scraped, and zeros while no runner runs here", async () => {
    const registry = new Registry();
    let runner: CheckRunner | undefined;
    const recorder = { backlog: 7, dropped: 2 } as unknown as CheckRecorder;
    registerMonitoringMetrics(registry, () => runner, recorder);
    expect(await registry.metrics()).toContain('estate_checks_scheduled 0');
    runner = {
      size: 10_000,
      shardsHeld: 32,
      behind: () => ({ runs: 5_000, lateRuns: 12, skippedSlots: 3, queued: 4, lateness: { p99Seconds: 0.25 } }),
    } as unknown as CheckRunner;
    const text = await registry.metrics();
    for (const line of [
      'estate_checks_scheduled 10000',
      'estate_check_runs_started 5000',
      'estate_check_runs_late 12',
      'estate_check_slots_skipped 3',
      'estate_check_runs_queued 4',
      'estate_check_shards_held 32',
      'estate_check_scheduler_lateness_p99_seconds 0.25',
      'estate_check_results_backlog 7',
      'estate_check_results_dropped 2',
    ]) {
      expect(text).toContain(line);
    }
  });
});
