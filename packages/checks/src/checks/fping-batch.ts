import { spawn } from 'node:child_process';

/** Where Debian's fping lives (installed by .ci/run). */
export const FPING_PATH = '/usr/bin/fping';

/** fping's -i the batcher uses unless told otherwise: 1 ms between any two probes, fping's minimum. */
export const DEFAULT_SEND_INTERVAL_MS = 1;

/** One caller's ping: an address (never a name: fping must not resolve), how many probes, how far apart. */
export interface PingRequest {
  address: string;
  count: number;
  periodMs: number;
}

/**
 * How a caller's ping ended: `replied` with each probe's round trip in ms (null: no reply), `aborted` by its own
 * signal, `failed` when fping gave no result for the address (with fping's words), `fault` when fping could not run.
 */
export type PingOutcome =
  | { kind: 'replied'; rtts: (number | null)[] }
  | { kind: 'aborted' }
  | { kind: 'failed'; message: string }
  | { kind: 'fault'; message: string };

/** Runs fping with `args`; resolves with its stderr and exit code, or the error that kept it from running. */
export type FpingRunner = (args: string[], signal: AbortSignal) => Promise<{ stderr: string; code: number | null; error?: Error }>;

export interface FpingBatcherOptions {
  fpingPath?: string;
  /**
   * How long requests are collected before one fping runs them all (default 250 ms: at 500 pings a second, one fping
   * per ~125 hosts instead of one per ~10; the wait delays a ping's start, never its measured round trip).
   */
  windowMs?: number;
  /** The most addresses one fping run takes; one more starts the next batch (default 1,000). */
  maxTargets?: number;
  /** fping's -i: the least time between any two probes it sends, in ms (default 1, fping's minimum). */
  sendIntervalMs?: number;
  /** Replaces spawning fping (tests). */
  run?: FpingRunner;
}

/** The most stderr bytes kept from one fping run (about 100 bytes a target). */
const MAX_STDERR_BYTES = 4 * 1024 * 1024;

/** Runs the real fping, without a shell; a signal kills it. */
export function spawnFping(fpingPath: string): FpingRunner {
  return (args, signal) =>
    new Promise((resolve) => {
      const child = spawn(fpingPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let error: Error | undefined;
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
      });
      const onAbort = () => child.kill('SIGKILL');
      signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (err) => {
        error = err;
      });
      child.once('close', (code) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ stderr, code, error });
      });
    });
}

/** What fping -C -q printed: each target's round trips, and other lines naming a target (errors, unreachables). */
export interface FpingReport {
  results: Map<string, (number | null)[]>;
  notes: Map<string, string[]>;
}

const RESULT_LINE = /^(\S+)\s+:((?:\s+(?:\d+(?:\.\d+)?|-))+)\s*$/;

/**
 * Parses fping's `-C N -q` output for `targets`: `host : 0.12 0.10 -` per target (`-` is a lost probe). Lines that
 * are not results (`duplicate for [0]`, `ICMP Host Unreachable from … for ICMP Echo sent to host`, `host: error while
 * sending ping: …`) are kept as notes for the target they name; lines naming no target are ignored.
 */
export function parseFpingOutput(text: string, targets: readonly string[]): FpingReport {
  const wanted = new Set(targets);
  const results = new Map<string, (number | null)[]>();
  const notes = new Map<string, string[]>();
  const note = (target: string, line: string) => {
    const list = notes.get(target) ?? [];
    if (list.length < 5) list.push(line);
    notes.set(target, list);
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const result = RESULT_LINE.exec(line);
    if (result && wanted.has(result[1]!)) {
      results.set(
        result[1]!,
        result[2]!
          .trim()
          .split(/\s+/)
          .map((t) => (t === '-' ? null : Number(t))),
      );
      continue;
    }
    const named = /^(\S+?)\s*:/.exec(line)?.[1] ?? / sent to (\S+)$/.exec(line)?.[1];
    if (named !== undefined && wanted.has(named)) note(named, line);
  }
  return { results, notes };
}

/**
 * fping's options for `count` probes per target `periodMs` apart, each waited for up to the period (at most 2 s), no
 * retries, at most one probe every `sendIntervalMs` overall; the targets follow them.
 */
export function fpingOptions(count: number, periodMs: number, sendIntervalMs: number): string[] {
  const timeoutMs = Math.min(periodMs, 2_000);
  return ['-C', String(count), '-q', '-p', String(periodMs), '-t', String(timeoutMs), '-B1', '-r0', '-i', String(sendIntervalMs)];
}

interface Waiter {
  resolve(outcome: PingOutcome): void;
  settled: boolean;
}

interface Batch {
  count: number;
  periodMs: number;
  waiters: Map<string, Set<Waiter>>;
  timer?: ReturnType<typeof setTimeout>;
  /** Set once fping runs: aborting it kills the process. */
  running?: AbortController;
}

/**
 * Collects ping requests that arrive within a short window with the same count and period, and runs them as ONE
 * `fping -C <count> -q -p <period> -t <timeout> -B1 -r0 <addresses…>`, so ten thousand checks are a few processes,
 * not ten thousand. Each caller gets its own address's result; a caller whose signal aborts is answered `aborted` at
 * once while the batch goes on for the others (the process is killed only when no caller is left).
 */
export class FpingBatcher {
  private readonly pending = new Map<string, Batch>();
  private readonly windowMs: number;
  private readonly maxTargets: number;
  private readonly sendIntervalMs: number;
  private readonly runner: FpingRunner;
  /** fping processes started so far. */
  runs = 0;

  constructor(options: FpingBatcherOptions = {}) {
    this.windowMs = options.windowMs ?? 250;
    this.maxTargets = options.maxTargets ?? 1_000;
    this.sendIntervalMs = options.sendIntervalMs ?? DEFAULT_SEND_INTERVAL_MS;
    this.runner = options.run ?? spawnFping(options.fpingPath ?? FPING_PATH);
  }

  ping(request: PingRequest, signal: AbortSignal): Promise<PingOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
    return new Promise((resolve) => {
      const key = `${request.count}/${request.periodMs}`;
      let batch = this.pending.get(key);
      if (!batch) {
        batch = { count: request.count, periodMs: request.periodMs, waiters: new Map() };
        this.pending.set(key, batch);
        const started = batch;
        batch.timer = setTimeout(() => this.start(key, started), this.windowMs);
      }
      const current = batch;
      const waiter: Waiter = {
        settled: false,
        resolve: (outcome) => {
          if (waiter.settled) return;
          waiter.settled = true;
          signal.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      const onAbort = () => {
        waiter.resolve({ kind: 'aborted' });
        const same = current.waiters.get(request.address);
        same?.delete(waiter);
        if (same?.size === 0) current.waiters.delete(request.address);
        if (current.waiters.size > 0) return;
        if (current.running) current.running.abort();
        else {
          clearTimeout(current.timer);
          if (this.pending.get(key) === current) this.pending.delete(key);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const same = current.waiters.get(request.address) ?? new Set();
      same.add(waiter);
      current.waiters.set(request.address, same);
      if (current.waiters.size >= this.maxTargets) {
        clearTimeout(current.timer);
        this.start(key, current);
      }
    });
  }

  private start(key: string, batch: Batch): void {
    if (this.pending.get(key) === batch) this.pending.delete(key);
    if (batch.running || batch.waiters.size === 0) return;
    batch.running = new AbortController();
    this.runs++;
    const args = [...fpingOptions(batch.count, batch.periodMs, this.sendIntervalMs), ...batch.waiters.keys()];
    this.runner(args, batch.running.signal).then(
      (ran) => this.finish(batch, ran),
      (error: Error) => this.finish(batch, { stderr: '', code: null, error }),
    );
  }

  private finish(batch: Batch, ran: { stderr: string; code: number | null; error?: Error }): void {
    const report = parseFpingOutput(ran.stderr, [...batch.waiters.keys()]);
    for (const [address, waiters] of batch.waiters) {
      const rtts = report.results.get(address);
      let outcome: PingOutcome;
      if (ran.error) outcome = { kind: 'fault', message: `fping could not run: ${ran.error.message}` };
      else if (rtts) outcome = { kind: 'replied', rtts };
      else {
        const said = report.notes.get(address)?.join('; ');
        outcome = said
          ? { kind: 'failed', message: `fping: ${said}` }
          : { kind: 'fault', message: `fping gave no result for ${address} (exit code ${ran.code}): ${firstLine(ran.stderr)}` };
      }
      for (const waiter of waiters) waiter.resolve(outcome);
    }
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) || 'no output';
}
