import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AGENT_NODE_FLAGS, enrollAgent } from '../apps/agent/src/index';
import { startSeamServer } from '../apps/agent/src/test-support/seam-server';
import { residentMemory, type StartedProcess, start } from './support/process-probe';
import { type Benchmark, compare } from './support/report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AGENT_BIN = path.join(ROOT, 'apps/agent/dist/estate-agent.mjs');

// The peer: a node process that does nothing but keep a 30 s timer, started the same way (a fresh node).
const IDLE_NODE = 'setInterval(() => {}, 30_000);';

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

interface Footprint {
  rssMiB: number;
  peakMiB: number;
  /** Percent of one core over the measured window. */
  cpuPercent: number;
}

/** Lets a started process settle for `warmupMs`, then measures its CPU over `windowMs` and its RSS at the end. */
async function measure(proc: StartedProcess, warmupMs: number, windowMs: number): Promise<Footprint> {
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error('no pid');
  await sleep(warmupMs);
  if (proc.child.exitCode !== null) throw new Error(`the process exited early:\n${proc.output()}`);
  const cpuBefore = cpuSeconds(pid);
  const startedAt = performance.now();
  await sleep(windowMs);
  if (proc.child.exitCode !== null) throw new Error(`the process exited early:\n${proc.output()}`);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const elapsed = (performance.now() - startedAt) / 1000;
  return { ...residentMemory(pid), cpuPercent: (cpu / elapsed) * 100 };
}

/**
 * `estate-agent run` (the bundle with the unit's node flags, as `estate-agent install` runs it) against the agent's seam server with the default
 * 30 s metrics interval, against an idle `node -e` process: resident memory and CPU share of one core, measured
 * over a steady-state window after the first inventory and metrics rounds. Targets from the Discovery issue:
 * RSS ≤ 60 MB and CPU ≤ 1% of a core.
 */
export const benchmark: Benchmark = {
  name: 'agent-footprint',
  description: 'estate-agent run (metrics every 30 s) vs an idle node -e process: steady-state RSS and CPU',
  async run({ quick }) {
    const warmupMs = quick ? 5_000 : 20_000;
    const windowMs = quick ? 15_000 : 120_000;
    // What the systemd unit runs: the bundle, built fresh from the sources (a fraction of a second).
    const built = spawnSync(process.execPath, [path.join(ROOT, 'apps/agent/scripts/build-agent.mjs')], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the agent bundle failed: ${built.stderr}`);
    const server = await startSeamServer({ intervals: { inventorySeconds: 600, metricsSeconds: 30 } });
    const stateDir = mkdtempSync(path.join(tmpdir(), 'estate-bench-agent-'));
    const env = { ...process.env, ESTATE_AGENT_STATE_DIR: stateDir };
    try {
      server.tokens.add('bench');
      await enrollAgent({ serverUrl: server.url, token: 'bench', stateDir });
      const agentProc = start(process.execPath, [...AGENT_NODE_FLAGS, AGENT_BIN, 'run'], { cwd: ROOT, env });
      const peerProc = start(process.execPath, ['-e', IDLE_NODE], { cwd: ROOT, env });
      let ours: Footprint;
      let peer: Footprint;
      try {
        [ours, peer] = await Promise.all([measure(agentProc, warmupMs, windowMs), measure(peerProc, warmupMs, windowMs)]);
      } finally {
        await agentProc.stop();
        await peerProc.stop();
      }
      const metricsPosts = server.requests.filter((r) => r.path === '/api/v1/agent/metrics').length;
      return {
        peerName: 'idle node -e process with a 30 s timer',
        comparisons: [
          compare({
            metric: 'steady RSS',
            unit: 'MiB',
            ours: ours.rssMiB,
            peer: peer.rssMiB,
            better: 'lower',
            target: '<= 60 MB',
            meetsTarget: ours.rssMiB * 1.048576 <= 60,
          }),
          compare({ metric: 'peak RSS', unit: 'MiB', ours: ours.peakMiB, peer: peer.peakMiB, better: 'lower' }),
          compare({
            metric: 'CPU',
            unit: '% of a core',
            ours: ours.cpuPercent,
            peer: peer.cpuPercent,
            better: 'lower',
            target: '<= 1%',
            meetsTarget: ours.cpuPercent <= 1,
          }),
        ],
        samples: {
          ours,
          peer,
          metricsPosts,
          inventoryPosts: server.requests.filter((r) => r.path === '/api/v1/agent/inventory').length,
          warmupMs,
          windowMs,
        },
        notes: [
          `measured over ${windowMs / 1000} s after ${warmupMs / 1000} s of warm-up (which includes the first full inventory)`,
          `the agent sent ${metricsPosts} metrics reports; the seam server verified every signature (${server.refused.length} refused)`,
        ],
      };
    } finally {
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};
