import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createChecks, type EstateChild, startEstateChild } from './estate-child';
import { type FpingLoop, startFpingLoop } from './fping-loop';
import { addPings, type PingTally } from './ping-tally';
import { cpuSeconds, descendants, residentMemory, runQueueWaitSeconds, treeCpuSeconds } from './process-probe';

/** Every host is pinged once per interval, by both sides. */
export const INTERVAL_S = 10;
/** Echo requests per run: enough probes for a loss figure per check. */
export const COUNT = 5;
/** Milliseconds between a run's echo requests (Estate's default period, also each reply's timeout). */
export const PERIOD_MS = 500;
/** API requests at once, creating the checks and reading their results back. */
export const CREATE_POOL = 16;
/** The peer's fping runs per interval: 500 of 5,000 hosts × 5 probes at fping's 1 ms pace fit in 2.5 s. */
export const PEER_SLICES = 10;
/** How long after the window the runs started in it have surely ended and been recorded. */
const DRAIN_MS = COUNT * PERIOD_MS + 3_000;

/** What one side did in the measured window. */
export interface SideRun {
  name: string;
  from: number;
  to: number;
  /** CPU seconds of the side's process tree over the window, the fping runs included. */
  treeCpuSeconds: number;
  /** CPU seconds of the side's own process (Estate's node, the peer's bash) over the window. */
  ownCpuSeconds: number;
  runQueueWaitSeconds: number;
  /** Check runs (one target pinged once) started in the window and recorded. */
  runs: number;
  /** Runs started in the window that gave no loss figure (a timeout, fping giving no result). */
  runsWithoutLoss: number;
  tallies: Map<string, PingTally>;
  /** fping processes seen in the window (sampled every 250 ms) and how many ran at once on average. */
  fpingRuns: number;
  fpingConcurrency: number;
  rssMiB: number;
  /** Estate's own figures; the peer has none. */
  estate?: EstateExtra;
}

/** What Estate said about itself: how creating its checks went, and its scheduler's figures over the window. */
export interface EstateExtra {
  createSeconds: number;
  cpuMsPerCreate: number;
  startedPerSecond: number;
  latePerSecond: number;
  skippedPerSecond: number;
  queuedAtEnd: number;
  latenessP99Seconds: number;
  meanRunMs: number;
  /** Up to three messages of runs without a loss figure. */
  unexplained: string[];
}

/** Measures a process tree's CPU over `windowMs`, and counts its fping processes by sampling every 250 ms. */
async function measureWindow(pid: number, windowMs: number) {
  const tree0 = treeCpuSeconds(pid);
  const own0 = cpuSeconds(pid);
  const wait0 = runQueueWaitSeconds(pid);
  const from = Date.now();
  const seen = new Set<number>();
  let samples = 0;
  let alive = 0;
  while (Date.now() - from < windowMs) {
    const now = descendants(pid).filter((p) => commandOf(p) === 'fping');
    for (const p of now) seen.add(p);
    alive += now.length;
    samples++;
    await sleep(Math.min(250, Math.max(0, from + windowMs - Date.now())));
  }
  const to = Date.now();
  return {
    from,
    to,
    treeCpuSeconds: treeCpuSeconds(pid) - tree0,
    ownCpuSeconds: cpuSeconds(pid) - own0,
    runQueueWaitSeconds: runQueueWaitSeconds(pid) - wait0,
    fpingRuns: seen.size,
    fpingConcurrency: alive / Math.max(1, samples),
    rssMiB: residentMemory(pid).rssMiB,
  };
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Estate's scheduler figures from its /metrics (estate_check_*: totals since it started, and gauges). */
async function schedulerFigures(estate: EstateChild): Promise<Record<string, number>> {
  const text = await (await fetch(`${estate.base}/metrics`, { headers: estate.headers })).text();
  const figures: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [name, value] = line.split(' ');
    if (name?.startsWith('estate_check_') && value !== undefined) figures[name.slice('estate_check_'.length)] = Number(value);
  }
  return figures;
}

/** Each check's results started in [from, to), read back through the API, `CREATE_POOL` requests at once. */
async function recordedRuns(estate: EstateChild, ids: string[], targets: string[], from: number, to: number) {
  const tallies = new Map<string, PingTally>();
  let runs = 0;
  let runsWithoutLoss = 0;
  let durationMs = 0;
  const unexplained = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const res = await fetch(`${estate.base}/api/v1/checks/${ids[i]}/results?limit=100`, { headers: estate.headers });
      if (!res.ok) throw new Error(`GET results of ${targets[i]} answered ${res.status}: ${await res.text()}`);
      const { items } = (await res.json()) as {
        items: { at: number; durationMs: number; message: string; details: { sent?: number; received?: number } }[];
      };
      for (const result of items.filter((r) => r.at >= from && r.at < to)) {
        runs++;
        durationMs += result.durationMs;
        const { sent, received } = result.details;
        if (typeof sent === 'number' && typeof received === 'number') addPings(tallies, targets[i] as string, sent, received);
        else {
          runsWithoutLoss++;
          if (unexplained.size < 3) unexplained.add(result.message);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CREATE_POOL }, worker));
  return { tallies, runs, runsWithoutLoss, meanRunMs: durationMs / Math.max(1, runs), unexplained: [...unexplained] };
}

/** Estate: a child `estate serve`, one icmp check per host created through the API. */
export async function runEstate(targets: string[], warmupMs: number, windowMs: number, tmpRoot: string): Promise<SideRun> {
  const estate = await startEstateChild(['monitoring:read', 'monitoring:write', 'metrics:read'], { tmpRoot });
  try {
    const created = await createChecks(
      estate,
      targets.length,
      (i) => ({
        name: `ping ${targets[i]}`,
        type: 'icmp',
        intervalSeconds: INTERVAL_S,
        timeoutSeconds: 5,
        config: { host: targets[i], count: COUNT, intervalMs: PERIOD_MS },
      }),
      CREATE_POOL,
    );
    await sleep(warmupMs);
    const before = await schedulerFigures(estate);
    const window = await measureWindow(estate.pid, windowMs);
    const after = await schedulerFigures(estate);
    const rise = (name: string) => ((after[name] ?? Number.NaN) - (before[name] ?? Number.NaN)) / ((window.to - window.from) / 1000);
    await sleep(DRAIN_MS);
    const recorded = await recordedRuns(estate, created.ids, targets, window.from, window.to);
    return {
      name: 'Estate',
      ...window,
      ...recorded,
      estate: {
        createSeconds: created.seconds,
        cpuMsPerCreate: (created.cpuSeconds * 1000) / targets.length,
        startedPerSecond: rise('runs_started'),
        latePerSecond: rise('runs_late'),
        skippedPerSecond: rise('slots_skipped'),
        queuedAtEnd: after.runs_queued ?? Number.NaN,
        latenessP99Seconds: after.scheduler_lateness_p99_seconds ?? Number.NaN,
        meanRunMs: recorded.meanRunMs,
        unexplained: recorded.unexplained,
      },
    };
  } finally {
    await estate.stop();
  }
}

/** The peer: bash starting one fping over a tenth of the hosts every second. */
export async function runPeer(targets: string[], windowMs: number, tmpRoot: string): Promise<SideRun> {
  const loop: FpingLoop = startFpingLoop(targets, {
    intervalS: INTERVAL_S,
    slices: PEER_SLICES,
    count: COUNT,
    periodMs: PERIOD_MS,
    tmpRoot,
  });
  try {
    await sleep(INTERVAL_S * 1000 + 2_000);
    const window = await measureWindow(loop.pid, windowMs);
    await sleep(DRAIN_MS);
    const tallies = new Map<string, PingTally>();
    let runs = 0;
    let runsWithoutLoss = 0;
    for (const run of loop.runs().filter((r) => r.startedAt >= window.from && r.startedAt < window.to)) {
      runs += run.targets;
      runsWithoutLoss += run.targets - run.results.size;
      for (const [target, rtts] of run.results) addPings(tallies, target, rtts.length, rtts.filter((r) => r !== null).length);
    }
    return { name: 'fping loop', ...window, runs, runsWithoutLoss, tallies };
  } finally {
    await loop.stop();
  }
}
