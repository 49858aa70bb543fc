/**
 * ICMP at fleet scale (issue 14): 5,000 hosts in a network namespace pinged every 10 s through fping, by Estate (a
 * child `estate serve` with 5,000 icmp checks) and, in the same run, by a bash loop running fping over the same
 * hosts at the same rate with the same options — the floor of any fping-based checker. Half of the hosts sit behind
 * a veth pair that drops 10 % of echo replies; the other half drop none. Figures: check runs recorded per second,
 * CPU per run with the fping processes counted, and how close the loss each side saw is to the loss injected.
 *
 * Needs: root, iproute2 (ip, tc), fping, and a kernel with sch_netem or else nftables (`apt-get install -y
 * nftables`); without them it skips with a note. Run: `npm run bench -- icmp-fleet` (`--quick`: 500 hosts, 25 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COUNT, CREATE_POOL, INTERVAL_S, PEER_SLICES, PERIOD_MS, runEstate, runPeer, type SideRun } from './support/icmp-fleet-sides';
import { createPingFleet, FleetUnavailableError, fleetMissing, type PingFleet } from './support/ping-fleet';
import { type LossFigures, lossFigures } from './support/ping-tally';
import { descendants, killTree, onInterrupt } from './support/process-probe';
import { type Benchmark, type Comparison, compare } from './support/report';

const LOSS_PERCENT = 10;

interface SideFigures extends SideRun {
  seconds: number;
  runsPerSecond: number;
  cpuMsPerRun: number;
  cores: number;
  lossy: LossFigures;
  clean: LossFigures;
}

function figuresOf(run: SideRun, fleet: PingFleet): SideFigures {
  const seconds = (run.to - run.from) / 1000;
  return {
    ...run,
    seconds,
    runsPerSecond: run.runs / seconds,
    cpuMsPerRun: (run.treeCpuSeconds * 1000) / Math.max(1, run.runs),
    cores: run.treeCpuSeconds / seconds,
    lossy: lossFigures(run.tallies, fleet.lossy),
    clean: lossFigures(run.tallies, fleet.clean),
  };
}

/** Estate's creation and scheduler figures in words, with the runs in flight its throughput and run time imply. */
function estateScheduler(f: SideFigures, hosts: number): string {
  const x = f.estate;
  if (!x) return '';
  const said = x.unexplained.length > 0 ? ` Runs without a loss figure said: ${x.unexplained.join(' | ')}` : '';
  return (
    `Estate's ${hosts} checks were created through POST /api/v1/checks, ${CREATE_POOL} at once, in ${x.createSeconds.toFixed(1)} s (${x.cpuMsPerCreate.toFixed(1)} CPU-ms each). ` +
    `In the window its /metrics rose by ${x.startedPerSecond.toFixed(1)} runs started, ${x.latePerSecond.toFixed(1)} late runs and ${x.skippedPerSecond.toFixed(1)} skipped slots per second; ` +
    `${x.queuedAtEnd} runs were queued behind a concurrency cap at its end, lateness p99 ${x.latenessP99Seconds.toFixed(1)} s. ` +
    `A run took ${x.meanRunMs.toFixed(0)} ms on average, so about ${((f.runsPerSecond * x.meanRunMs) / 1000).toFixed(0)} ran at once (runs/s × run time).${said}`
  );
}

const pct = (v: number) => `${v.toFixed(2)} %`;

function describe(f: SideFigures): string {
  return (
    `${f.name}: ${f.runs} runs started in ${f.seconds.toFixed(1)} s (${f.runsPerSecond.toFixed(1)}/s), ${f.runsWithoutLoss} without a loss figure; ` +
    `CPU ${f.treeCpuSeconds.toFixed(2)} s with fping (own process ${f.ownCpuSeconds.toFixed(2)} s, fping runs ${(f.treeCpuSeconds - f.ownCpuSeconds).toFixed(2)} s), ` +
    `${f.cpuMsPerRun.toFixed(3)} ms per run, ${f.cores.toFixed(2)} cores; waited for a CPU ${f.runQueueWaitSeconds.toFixed(1)} s; ` +
    `${f.fpingRuns} fping processes seen (about ${(f.runs / Math.max(1, f.fpingRuns)).toFixed(0)} targets each), ${f.fpingConcurrency.toFixed(1)} at once on average; RSS ${f.rssMiB.toFixed(0)} MiB. ` +
    `Lossy half: pooled ${pct(f.lossy.pooledPercent)}, mean per target ${pct(f.lossy.meanPercent)}, spread ${f.lossy.spreadPoints.toFixed(2)} points (binomial ${f.lossy.binomialSpreadPoints.toFixed(2)}) over ${f.lossy.targets} targets and ${f.lossy.sent} probes; ` +
    `clean half: pooled ${pct(f.clean.pooledPercent)} over ${f.clean.targets} targets and ${f.clean.sent} probes.`
  );
}

/**
 * 5,000 hosts (quick: 500) pinged every 10 s with 5 probes each, by Estate and then by a bash + fping loop, each side
 * measured over the same window after a warm-up: runs recorded per second, CPU of the side's process tree (fping
 * included) per run, and the loss each side saw against the 10 % injected on half of the hosts (0 % on the others).
 */
export const benchmark: Benchmark = {
  name: 'icmp-fleet',
  description: '5,000 hosts in a network namespace pinged every 10 s (half dropping 10 % of replies): Estate vs an fping loop',
  async run({ quick }) {
    const skipped = (missing: string) => ({
      peerName: 'none (skipped)',
      comparisons: [],
      samples: { missing },
      notes: [`Skipped: this machine lacks ${missing}.`],
    });
    const missing = fleetMissing();
    if (missing.length > 0) return skipped(missing.join(', '));
    const hosts = quick ? 500 : 5_000;
    const warmupMs = quick ? 10_000 : 20_000;
    const windowMs = quick ? 25_000 : 60_000;
    const tmpRoot = mkdtempSync(path.join(tmpdir(), 'icmp-fleet-'));
    let fleet: PingFleet | undefined;
    // An interrupt leaves no time for the sides' own cleanup: kill what this process started, remove what it made.
    const off = onInterrupt(() => {
      for (const pid of descendants(process.pid)) killTree(pid);
      fleet?.remove();
      rmSync(tmpRoot, { recursive: true, force: true });
    });
    const runs: SideRun[] = [];
    try {
      try {
        fleet = createPingFleet(hosts / 2, hosts / 2, LOSS_PERCENT);
      } catch (err) {
        if (err instanceof FleetUnavailableError) return skipped(err.message);
        throw err;
      }
      const targets = [...fleet.clean, ...fleet.lossy];
      runs.push(await runEstate(targets, warmupMs, windowMs, tmpRoot));
      // Estate's last fping runs end before the peer starts.
      await sleep(COUNT * PERIOD_MS + 1_000);
      runs.push(await runPeer(targets, windowMs, tmpRoot));
    } finally {
      off();
      fleet?.remove();
      rmSync(tmpRoot, { recursive: true, force: true });
    }
    const built = fleet;
    const [ours, peer] = runs.map((r) => figuresOf(r, built)) as [SideFigures, SideFigures];
    const nominal = hosts / INTERVAL_S;
    const lossError = (f: SideFigures) => Math.abs(f.lossy.pooledPercent - LOSS_PERCENT);
    const spreadRatio = (f: SideFigures) => f.lossy.spreadPoints / f.lossy.binomialSpreadPoints;
    const comparisons: Comparison[] = [
      compare({
        metric: 'check runs recorded per second',
        unit: '/s',
        ours: ours.runsPerSecond,
        peer: peer.runsPerSecond,
        better: 'higher',
        target: `≥ ${nominal}/s (within 1%)`,
        meetsTarget: ours.runsPerSecond >= 0.99 * nominal,
      }),
      compare({ metric: 'CPU per check run, fping included', unit: 'ms', ours: ours.cpuMsPerRun, peer: peer.cpuMsPerRun, better: 'lower' }),
      compare({ metric: 'CPU used, fping included', unit: 'cores', ours: ours.cores, peer: peer.cores, better: 'lower' }),
      compare({
        metric: `loss error where ${LOSS_PERCENT} % of replies drop (|pooled − ${LOSS_PERCENT}|)`,
        unit: 'points',
        ours: lossError(ours),
        peer: lossError(peer),
        better: 'lower',
        target: '≤ 1 point',
        meetsTarget: lossError(ours) <= 1,
      }),
      compare({
        metric: 'loss spread across those checks / binomial',
        unit: '×',
        ours: spreadRatio(ours),
        peer: spreadRatio(peer),
        better: 'lower',
        target: '≤ 1.25',
        meetsTarget: spreadRatio(ours) <= 1.25,
      }),
      compare({
        metric: 'loss seen where no reply drops (pooled)',
        unit: '%',
        ours: ours.clean.pooledPercent,
        peer: peer.clean.pooledPercent,
        better: 'lower',
        target: '≤ 0.1 %',
        meetsTarget: ours.clean.pooledPercent <= 0.1,
      }),
      compare({
        metric: 'runs without a loss figure',
        unit: 'runs',
        ours: ours.runsWithoutLoss,
        peer: peer.runsWithoutLoss,
        better: 'lower',
      }),
    ];
    const notes = [
      `${hosts} hosts on the loopback of network namespace ${fleet.namespace}, behind two veth pairs: ${hosts / 2} clean, ${hosts / 2} whose echo replies are dropped with ${LOSS_PERCENT} % probability each (${fleet.lossInjector === 'netem' ? 'tc netem loss on the namespace end' : 'an nftables numgen rule on the namespace end: this kernel has no sch_netem'}).`,
      `Each host pinged every ${INTERVAL_S} s with ${COUNT} echo requests ${PERIOD_MS} ms apart (fping -C ${COUNT} -p ${PERIOD_MS} -t ${PERIOD_MS} -B1 -r0 -i 1, Estate's options for count ${COUNT}). Estate: ${warmupMs / 1000} s warm-up after its checks exist, then a ${windowMs / 1000} s window; the loop: one interval and 2 s, then the same window.`,
      ...[ours, peer].map(describe),
      estateScheduler(ours, hosts),
      "Runs and loss count the runs that started in the window: Estate's from its results (details.sent and details.received, read back through GET /api/v1/checks/:id/results), the loop's from fping's output per run. CPU is utime+stime+cutime+cstime of the side's process tree (/proc/<pid>/stat) over the window, so the fping runs a side waited for count; the loop's bash and sleep count too.",
      `The peer splits the hosts into ${PEER_SLICES} slices and starts one slice's fping every ${INTERVAL_S / PEER_SLICES} s on a fixed grid; Estate batches the pings that start within 250 ms into one fping (up to 1,000 targets), its checks spread over the interval.`,
    ];
    return {
      peerName: `fping ${COUNT}×${PERIOD_MS} ms driven by a bash loop, ${PEER_SLICES} runs per ${INTERVAL_S} s over the same hosts`,
      comparisons,
      samples: {
        hosts,
        warmupMs,
        windowMs,
        lossInjector: fleet.lossInjector,
        runs: [ours, peer].map(({ tallies, ...rest }) => rest),
      },
      notes,
    };
  },
};
