import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SEND_INTERVAL_MS, FPING_PATH, fpingOptions, parseFpingOutput } from '@estate/checks/checks/fping-batch';
import { descendants, type StartedProcess, start } from './process-probe';

/** How the loop pings: every target once per interval, `count` probes `periodMs` apart, as Estate's checks do. */
export interface FpingLoopOptions {
  intervalS: number;
  /** The targets are cut into this many slices; one slice's fping starts every interval / slices. */
  slices: number;
  count: number;
  periodMs: number;
  /** Where the loop's directory (slices, one output file per run) is made; the system's temp directory by default. */
  tmpRoot?: string;
}

/** One fping run of the loop: when it started (epoch ms) and each target's round trips (null: lost). */
export interface FpingLoopRun {
  startedAt: number;
  /** The targets the run was given. */
  targets: number;
  results: Map<string, (number | null)[]>;
}

/** A bash loop starting fping runs over a fleet, the floor of any fping-based checker. */
export interface FpingLoop {
  proc: StartedProcess;
  pid: number;
  /** The runs whose output files exist, parsed; a run still going has part of its output or none. */
  runs(): FpingLoopRun[];
  /** Kills the loop and the fping runs it has going, and removes its files. */
  stop(): Promise<void>;
}

const LOOP = `set -u
step=$(( INTERVAL_US / SLICES ))
next=\${EPOCHREALTIME/[.,]/}
k=0
while :; do
  "$FPING" $FPING_OPTIONS -f "slice-$k" 2> "runs/\${EPOCHREALTIME/[.,]/}-$k" &
  k=$(( (k + 1) % SLICES ))
  next=$(( next + step ))
  wait_us=$(( next - \${EPOCHREALTIME/[.,]/} ))
  if (( wait_us > 0 )); then
    printf -v fraction '%06d' $(( wait_us % 1000000 ))
    sleep "$(( wait_us / 1000000 )).$fraction"
  fi
done
`;

/**
 * Starts `bash` running fping over `targets` in `slices` slices, one slice started every interval / slices on a fixed
 * grid (a slow start does not push the next one back), each with the options Estate's batcher gives fping, its
 * output (fping -C -q writes to stderr) kept in a file named after its start time in microseconds. The slices keep
 * each run shorter than the interval: fping sends at most one probe per millisecond.
 */
export function startFpingLoop(targets: readonly string[], options: FpingLoopOptions): FpingLoop {
  const dir = mkdtempSync(path.join(options.tmpRoot ?? tmpdir(), 'fping-loop-'));
  mkdirSync(path.join(dir, 'runs'));
  const slices: string[][] = Array.from({ length: options.slices }, () => []);
  for (const [i, target] of targets.entries()) slices[i % options.slices]?.push(target);
  for (const [k, slice] of slices.entries()) writeFileSync(path.join(dir, `slice-${k}`), `${slice.join('\n')}\n`);
  const proc = start('/usr/bin/bash', ['-c', LOOP], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      LC_ALL: 'C',
      FPING: FPING_PATH,
      FPING_OPTIONS: fpingOptions(options.count, options.periodMs, DEFAULT_SEND_INTERVAL_MS).join(' '),
      INTERVAL_US: String(options.intervalS * 1_000_000),
      SLICES: String(options.slices),
    },
  });
  const pid = proc.child.pid as number;
  return {
    proc,
    pid,
    runs() {
      return readdirSync(path.join(dir, 'runs')).map((file) => {
        const [micros, k] = file.split('-');
        const text = readFileSync(path.join(dir, 'runs', file), 'utf8');
        const slice = slices[Number(k)] ?? [];
        return { startedAt: Number(micros) / 1000, targets: slice.length, results: parseFpingOutput(text, slice).results };
      });
    },
    async stop() {
      const runs = descendants(pid);
      await proc.stop();
      for (const run of runs) {
        try {
          process.kill(run, 'SIGKILL');
        } catch {
          // It had finished.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
