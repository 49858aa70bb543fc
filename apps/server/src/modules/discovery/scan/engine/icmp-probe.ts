/**
 * ICMP liveness through Debian's `fping` (it holds the raw-socket capability, so the server need not): one process
 * per batch of addresses, run without a shell, IPv4 and IPv6 mixed (fping 5 picks the family per address).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';

/** Where fping is looked for, in order, unless the engine is given a path. */
export const FPING_PATHS = ['/usr/bin/fping', '/usr/sbin/fping', '/usr/local/bin/fping', '/usr/local/sbin/fping'];

/** The fping binary found on this machine, or null when it is not installed. */
export function findFping(): string | null {
  return FPING_PATHS.find((p) => existsSync(p)) ?? null;
}

/** Options of one fping run. */
export interface IcmpProbeOptions {
  /** Wait for each echo reply, in milliseconds (fping -t). */
  timeoutMs: number;
  /** Echo requests per second across the batch (fping -i is derived from it; fping's floor is 1 ms). */
  ratePerSecond: number;
  /** Extra attempts for an address that did not answer (fping -r). */
  retries?: number;
  signal?: AbortSignal;
  fpingPath: string;
  /** Called as each address answers (once per address), before the whole batch is done. */
  onAlive?: (address: string, rttMs: number) => void;
}

/** Addresses that answered, each with its round-trip time in milliseconds. */
export type IcmpAlive = Map<string, number>;

/**
 * Pings `addresses` once each (plus retries) and resolves with those that answered. Unreachable addresses are simply
 * absent. Rejects when fping cannot run or reports an argument error; an abort kills fping and resolves with what
 * answered so far.
 */
export function probeIcmp(addresses: string[], options: IcmpProbeOptions): Promise<IcmpAlive> {
  const alive: IcmpAlive = new Map();
  if (addresses.length === 0 || options.signal?.aborted) return Promise.resolve(alive);
  const retries = options.retries ?? 1;
  const intervalMs = Math.max(1, Math.floor(1000 / Math.max(1, options.ratePerSecond)));
  const args = [
    '-e',
    '-r',
    String(retries),
    '-t',
    String(Math.max(50, Math.round(options.timeoutMs))),
    '-i',
    String(intervalMs),
    ...addresses,
  ];
  // fping's own worst case (every address sent, every retry waited for) plus a margin; past it the run is killed.
  const deadlineMs = addresses.length * intervalMs * (retries + 1) + options.timeoutMs * 1.5 ** retries * (retries + 1) + 5_000;
  return new Promise((resolve, reject) => {
    const child = spawn(options.fpingPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    const take = (line: string) => {
      const match = /^(\S+) is alive\b.*?\(([\d.]+) ms\)/.exec(line);
      if (!match || !isIP(match[1]!) || alive.has(match[1]!)) return;
      alive.set(match[1]!, Number(match[2]));
      options.onAlive?.(match[1]!, Number(match[2]));
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) take(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4_096) stderr += chunk;
    });
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const killer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('error', (err) => {
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`fping could not run (${options.fpingPath}): ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(killer);
      options.signal?.removeEventListener('abort', onAbort);
      take(buffered);
      // 0: all alive, 1: some unreachable, 2: some names unresolved (never ours: only literals are passed).
      if (code !== null && code > 2 && !options.signal?.aborted) {
        reject(new Error(`fping failed with exit code ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' / ')}`));
        return;
      }
      resolve(alive);
    });
  });
}
