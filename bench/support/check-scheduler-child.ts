/**
 * One side of bench/check-scheduler.bench.ts, run in a fresh process so its resident memory is its own:
 * `node --expose-gc --import tsx check-scheduler-child.ts <estate|naive> <checks> <runMs> <warmupMs>`.
 * Schedules `checks` checks at 10 s with a no-op executor, measures from `warmupMs` to `runMs` (CPU of this process,
 * runs finished, lateness of each run's start), and prints one JSON line.
 */
import { CheckScheduler } from '../../apps/server/src/modules/monitoring/scheduler/check-scheduler';
import { phaseOf, slotAtOrAfter } from '../../apps/server/src/modules/monitoring/scheduler/slot-grid';

interface BenchCheck {
  id: string;
  intervalMs: number;
  timeoutMs: number;
  target: string;
}

const INTERVAL_MS = 10_000;
const [side, checksArg, runArg, warmupArg] = process.argv.slice(2);
const checkCount = Number(checksArg);
const runMs = Number(runArg);
const warmupMs = Number(warmupArg);

const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => {
  gc?.();
  gc?.();
};

// The same work per run on both sides: the executor's promise and a result handed to a callback.
const executor = async (_check: BenchCheck, _signal: AbortSignal) => 'ok';
let measuring = false;
let finished = 0;
const lateness: number[] = [];
const onRun = (latenessMs: number) => {
  if (!measuring) return;
  finished++;
  lateness.push(latenessMs);
};

/**
 * The baseline: one setTimeout per check, chained from slot to slot, plus a timeout timer and an AbortController
 * per run — how a scheduler is usually first written. Same first-slot spread as Estate's, so both carry the same
 * load over time.
 */
function startNaive(checks: BenchCheck[]): () => void {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  for (const check of checks) {
    const phase = phaseOf(check.id, check.intervalMs);
    const plan = (slot: number) => {
      timers.set(
        check.id,
        setTimeout(
          () => {
            if (stopped) return;
            const startedAt = Date.now();
            const controller = new AbortController();
            const timeout = setTimeout(() => controller.abort(), check.timeoutMs);
            executor(check, controller.signal).then(
              () => {
                clearTimeout(timeout);
                onRun(startedAt - slot);
              },
              () => clearTimeout(timeout),
            );
            plan(slot + check.intervalMs);
          },
          Math.max(0, slot - Date.now()),
        ),
      );
    };
    plan(slotAtOrAfter(phase, check.intervalMs, Date.now()));
  }
  return () => {
    stopped = true;
    for (const t of timers.values()) clearTimeout(t);
  };
}

function startEstate(checks: BenchCheck[]): () => Promise<void> {
  const scheduler = new CheckScheduler<BenchCheck, string>({
    executor,
    onResult: (run) => onRun(run.latenessMs),
    concurrency: 1_000,
    perTargetConcurrency: 8,
  });
  for (const check of checks) scheduler.add(check);
  return () => scheduler.stop();
}

async function main(): Promise<void> {
  collect();
  const before = process.memoryUsage();
  const checks: BenchCheck[] = Array.from({ length: checkCount }, (_, i) => ({
    id: `check-${i}`,
    intervalMs: INTERVAL_MS,
    timeoutMs: 5_000,
    target: `10.0.${Math.floor(i / 250)}.${i % 250}`,
  }));
  const stop = side === 'estate' ? startEstate(checks) : startNaive(checks);
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, runMs - warmupMs));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  measuring = false;
  collect();
  const memory = process.memoryUsage();
  await stop();
  lateness.sort((a, b) => a - b);
  const p99 = lateness.length === 0 ? 0 : (lateness[Math.min(lateness.length - 1, Math.ceil(0.99 * lateness.length) - 1)] as number);
  process.stdout.write(
    `${JSON.stringify({
      side,
      checks: checkCount,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      runs: finished,
      latenessP99Ms: p99,
      rssMiB: memory.rss / 2 ** 20,
      rssAddedMiB: (memory.rss - before.rss) / 2 ** 20,
      heapAddedBytesPerCheck: (memory.heapUsed - before.heapUsed) / checkCount,
    })}\n`,
  );
}

await main();
