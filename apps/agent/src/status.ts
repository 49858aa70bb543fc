import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentIntervals, AgentStatus } from '@estate/contract';
import { writeFileAtomic } from './identity';
import type { BufferStats } from './transport/buffer';
import type { SenderStats } from './transport/sender';

/** What a running agent reports about itself. */
export interface AgentStats {
  agentId: string;
  /** As the server last said in its config answer; null before the first answer. */
  status: AgentStatus | null;
  intervals: AgentIntervals;
  buffer: BufferStats;
  sender: SenderStats;
  inventoryReports: number;
  metricsReports: number;
}

/** What `status.json` in the state directory holds: the running agent's last stats and when they were written. */
export interface StatusFile extends AgentStats {
  pid: number;
  writtenAt: number;
}

const STATUS_FILE = 'status.json';

/**
 * Writes the running agent's stats for `estate-agent status` (which must not open the buffer a running agent
 * owns). Never throws: a status file that cannot be written must not stop reporting.
 */
export function writeStatus(stateDir: string, stats: AgentStats): void {
  try {
    const status: StatusFile = { ...stats, pid: process.pid, writtenAt: Date.now() };
    writeFileAtomic(path.join(stateDir, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`, 0o600);
  } catch {
    // Reported by `estate-agent status` as a missing or stale file.
  }
}

/** The last status a running agent wrote, or null when there is none. */
export function readStatus(stateDir: string): StatusFile | null {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, STATUS_FILE), 'utf8')) as StatusFile;
  } catch {
    return null;
  }
}
