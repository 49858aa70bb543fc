import { existsSync, readFileSync } from 'node:fs';
import type { AgentCheckDefinition } from '@estate/contract';
import { writeFileAtomic } from '../identity';

/** The checks last fetched from the server, with their list version. */
export interface AssignedChecks {
  version: string;
  checks: AgentCheckDefinition[];
}

/** Reads the checks saved in the state directory; null when there are none or the file is unreadable. */
export function loadAssignedChecks(file: string): AssignedChecks | null {
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as AssignedChecks;
    return typeof value.version === 'string' && Array.isArray(value.checks) ? value : null;
  } catch {
    return null;
  }
}

/** Saves the fetched checks (mode 0600, through a rename), so they keep running after a restart without the server. */
export function saveAssignedChecks(file: string, assigned: AssignedChecks): void {
  writeFileAtomic(file, `${JSON.stringify(assigned)}\n`, 0o600);
}
