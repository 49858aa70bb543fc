import { spawn } from 'node:child_process';

/** How a command ended. */
export interface CommandResult {
  /** The exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The output passed `maxBytes`: the command was killed and its output cut there. */
  truncated: boolean;
  /** The signal (the run's timeout, the agent stopping) ended it. */
  aborted: boolean;
}

/** Options of `runCommand`. */
export interface RunCommandOptions {
  signal: AbortSignal;
  /** Most bytes of stdout and of stderr kept; past it the command is killed (default 64 KiB). */
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `file` with `args` directly (never through a shell, so nothing in an argument is interpreted), with stdin
 * closed, and resolves when it ends. A command that prints more than `maxBytes` or outlives `signal` is killed
 * (SIGKILL, with its process group when it made one). Rejects only when the command cannot be started (ENOENT, EACCES).
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      resolve({ exitCode: null, signal: null, stdout: '', stderr: '', truncated: false, aborted: true });
      return;
    }
    const child = spawn(file, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: true,
      env: options.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let aborted = false;
    let started = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const take = (chunks: Buffer[], used: number, chunk: Buffer): number => {
      const room = maxBytes - used;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, Math.max(0, room)));
        truncated = true;
        kill();
        return maxBytes;
      }
      chunks.push(chunk);
      return used + chunk.length;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < maxBytes) outBytes = take(out, outBytes, chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < maxBytes) errBytes = take(err, errBytes, chunk);
    });
    const onAbort = () => {
      aborted = true;
      kill();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.once('spawn', () => {
      started = true;
    });
    child.once('error', (error) => {
      options.signal.removeEventListener('abort', onAbort);
      if (!started) reject(error);
    });
    child.once('close', (exitCode, signal) => {
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        truncated,
        aborted,
      });
    });
  });
}
