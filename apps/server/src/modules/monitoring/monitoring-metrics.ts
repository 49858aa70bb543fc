import { Gauge, type Registry } from 'prom-client';
import type { CheckRunner } from './check-runner';
import type { CheckRecorder } from './state/check-recorder';

/**
 * The monitoring module's own figures on Estate's registry, read from the runner and recorder when scraped: how
 * many checks run here, how many runs started late or were skipped, the lateness p99 of the last minute, and how
 * many results wait for the database. Counters are gauges over the scheduler's own totals (they restart with the
 * process, as counters do).
 */
export function registerMonitoringMetrics(registry: Registry, runner: () => CheckRunner | undefined, recorder: CheckRecorder): void {
  const gauge = (name: string, help: string, read: (r: CheckRunner) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = runner();
        this.set(current ? read(current) : 0);
      },
    });
  gauge('estate_checks_scheduled', 'Checks scheduled in this process', (r) => r.size);
  gauge('estate_check_runs_started', 'Check runs started in this process since it started', (r) => r.behind().runs);
  gauge('estate_check_runs_late', 'Check runs that started more than a second after their slot', (r) => r.behind().lateRuns);
  gauge(
    'estate_check_slots_skipped',
    'Check slots that got no run (still running, or passed during a pause)',
    (r) => r.behind().skippedSlots,
  );
  gauge(
    'estate_check_shards_held',
    'Shards of the checks this worker holds when several share them (PostgreSQL); 0 when one process runs every check',
    (r) => r.shardsHeld,
  );
  gauge('estate_check_runs_queued', 'Check runs waiting behind a concurrency cap', (r) => r.behind().queued);
  gauge(
    'estate_check_scheduler_lateness_p99_seconds',
    'The 99th percentile of run lateness over the last minute',
    (r) => r.behind().lateness.p99Seconds,
  );
  new Gauge({
    name: 'estate_check_results_backlog',
    help: 'Check results recorded but not yet written to the database',
    registers: [registry],
    collect() {
      this.set(recorder.backlog);
    },
  });
  new Gauge({
    name: 'estate_check_results_dropped',
    help: 'Check results dropped because the database fell too far behind',
    registers: [registry],
    collect() {
      this.set(recorder.dropped);
    },
  });
}
