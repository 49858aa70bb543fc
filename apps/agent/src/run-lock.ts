import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Another agent process already runs on this state directory (exit code 5). */
export class AgentRefusedError extends Error {
  override readonly name = 'AgentRefusedError';
  readonly code = 'ESTATE_REFUSED';
}

// Locks this process holds: a lock file naming our own pid is ours only if it is in here (else a stale one from an
// earlier process that had the same pid, as happens to pid 1 in containers).
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `agent.pid` in the state directory, so two agents never share one buffer. A lock left by a dead process
 * is taken over. Returns the release function.
 */
export function acquireRunLock(stateDir: string): () => void {
  const file = path.join(stateDir, 'agent.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      const ours = pid === process.pid;
      if ((ours && held.has(file)) || (!ours && Number.isInteger(pid) && pid > 0 && alive(pid)))
        throw new AgentRefusedError(`Another estate-agent (pid ${pid}) already runs on ${stateDir}.`);
      rmSync(file, { force: true });
    }
  }
  throw new AgentRefusedError(`Could not take the run lock ${file}.`);
}
