import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The unit of /proc/<pid>/stat's CPU times: USER_HZ, 100 on every Linux ABI. */
const CLOCK_TICKS = 100;

/** A port that was free on 127.0.0.1 a moment ago (the OS picked it); another process could still take it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resident memory of a live process in MiB, from /proc/<pid>/status (Linux only); `peak` is VmHWM. */
export function residentMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) / 1024;
  };
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** A started child process with its output kept (the last 8 KiB) for error messages. */
export interface StartedProcess {
  child: ChildProcess;
  output(): string;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `command args` with its output captured, never inheriting the terminal. */
export function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): StartedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * Polls `url` every 10 ms until it answers 200 and returns the milliseconds since `startedAt` (a performance.now()
 * value). Fails when the process exits first or after `timeoutMs`, quoting the process output.
 */
export async function waitForOk(url: string, proc: StartedProcess, startedAt: number, timeoutMs = 60_000): Promise<number> {
  while (performance.now() - startedAt < timeoutMs) {
    if (proc.child.exitCode !== null)
      throw new Error(`The process exited (code ${proc.child.exitCode}) before ${url} answered:\n${proc.output()}`);
    if ((await getStatus(url)) === 200) return performance.now() - startedAt;
    await sleep(10);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${proc.output()}`);
}

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds (user + system) used by a process and all its descendants, those alive now and those already waited
 * for: utime + stime + cutime + cstime of each live process of the tree (a waited-for child's time is in its parent's
 * cutime/cstime, so none is counted twice and none is lost while the parent waits for its children). A descendant
 * that exited without being waited for, and was re-parented to init, is not counted.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of [pid, ...descendants(pid)]) {
    try {
      const fields = statFields(member);
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // It ended between the listing and the read: its time is in its parent's cutime/cstime now.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** The pids of every live process below `pid` (children, their children, …), from /proc/<pid>/stat's ppid. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(statFields(Number(entry))[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while /proc was listed.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Seconds a process's threads spent waiting for a CPU while runnable (the second field of
 * /proc/<pid>/task/<tid>/schedstat, summed): how much the rest of the machine held the process back.
 */
export function runQueueWaitSeconds(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1e9;
}

/** Sends SIGKILL to a process and every live descendant, at once (cleanup when there is no time to stop them). */
export function killTree(pid: number): void {
  for (const member of [pid, ...descendants(pid)]) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // It had ended.
    }
  }
}

const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `cleanup` (synchronous: no await survives a signal) when this process gets SIGINT, SIGTERM or SIGHUP, then
 * raises the signal again so the process ends as it would have. Returns the function that takes the handler off.
 */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    off();
    try {
      cleanup();
    } finally {
      process.kill(process.pid, signal);
    }
  };
  const off = () => {
    for (const signal of INTERRUPTS) process.off(signal, handler);
  };
  for (const signal of INTERRUPTS) process.once(signal, handler);
  return off;
}
