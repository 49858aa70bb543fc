import type { CheckRunStatus, CheckState } from '@estate/contract';

/** Where a check is, as the state machine keeps it between runs. */
export interface CheckStateRecord {
  state: CheckState;
  /** When it entered `state`; null before its first run. */
  since: number | null;
  consecutiveFailures: number;
  flapping: boolean;
  /** Times of its latest state changes, oldest first (at most {@link KEPT_CHANGES}). */
  changes: number[];
}

/** A state change a run caused. */
export interface StateTransition {
  at: number;
  state: CheckState;
  previous: CheckState | null;
  message: string;
}

/** What the machine needs of the check. */
export interface StatePolicy {
  /** Failed runs in a row that keep the previous state (the next failure changes it). */
  retries: number;
  intervalMs: number;
}

/** The state changes remembered for flap detection. */
export const KEPT_CHANGES = 20;
/** Flap detection looks at this many intervals back. */
const FLAP_WINDOW_INTERVALS = 20;
/** A check starts flapping at this many changes within the window, and stops below {@link FLAP_STOP}. */
const FLAP_START = 6;
const FLAP_STOP = 3;

/** A check that has never run. */
export function initialState(): CheckStateRecord {
  return { state: 'unknown', since: null, consecutiveFailures: 0, flapping: false, changes: [] };
}

/**
 * Applies one run to a check's state. A passing run (up or degraded) sets the state at once; a failing run (down,
 * or unknown: the check could not run) counts, and changes the state only when the failures in a row exceed the
 * retries — to the last failure's status. A check that never ran leaves `unknown` with its first verdict, retries
 * or not, so a new check shows what it found at once. Flapping: at least 6 changes within the last 20 intervals
 * starts it; fewer than 3 ends it (the gap keeps it from flapping in and out).
 */
export function applyRun(
  record: CheckStateRecord,
  run: { status: CheckRunStatus; at: number; message: string },
  policy: StatePolicy,
): { record: CheckStateRecord; transition: StateTransition | null } {
  const failed = run.status === 'down' || run.status === 'unknown';
  const consecutiveFailures = failed ? record.consecutiveFailures + 1 : 0;
  let next: CheckState = record.state;
  if (!failed) next = run.status;
  else if (record.since === null || consecutiveFailures > policy.retries) next = run.status;
  const changed = next !== record.state || record.since === null;
  const changes = changed ? [...record.changes, run.at].slice(-KEPT_CHANGES) : record.changes;
  const recent = changes.filter((at) => at > run.at - FLAP_WINDOW_INTERVALS * policy.intervalMs).length;
  const flapping = record.flapping ? recent >= FLAP_STOP : recent >= FLAP_START;
  return {
    record: { state: next, since: changed ? run.at : record.since, consecutiveFailures, flapping, changes },
    transition: changed ? { at: run.at, state: next, previous: record.since === null ? null : record.state, message: run.message } : null,
  };
}
