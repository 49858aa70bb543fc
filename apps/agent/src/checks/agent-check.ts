import type { AgentCheckConfig, AgentCheckRun, AgentCheckSeries, AgentCheckType, ConditionVerdict } from '@estate/contract';
import type { PluginAllowList } from './plugin-config';

/** How a run ended, as the server's states word it: degraded is "passed, but over a warning threshold". */
export type AgentCheckStatus = AgentCheckRun['status'];

/** What one run of an agent-side check found. */
export interface AgentCheckOutcome {
  status: AgentCheckStatus;
  /** One line for people: what failed and why, or what was measured. */
  message: string;
  details: Record<string, unknown>;
  /** A network check's condition verdicts (collectors). */
  conditions?: ConditionVerdict[];
  series?: AgentCheckSeries[];
}

/** What an executor may use besides its configuration. */
export interface AgentCheckContext {
  /** Aborted when the run's timeout passes or the agent stops. */
  signal: AbortSignal;
  /** Wall-clock time (epoch ms), for ages and expiry. */
  now: () => number;
  /** The plugins this host's own configuration allows; the server cannot add to it. */
  plugins: PluginAllowList;
}

/** Runs one check type. Resolves for anything the host does; a rejection is a fault, reported as unknown. */
export type AgentCheckExecutor<T extends AgentCheckType> = (
  config: AgentCheckConfig<T>,
  context: AgentCheckContext,
) => Promise<AgentCheckOutcome>;

/** The verdict of a value against "at or above warn: degraded, at or above crit: down". */
export function thresholdStatus(value: number, warn: number, crit: number): AgentCheckStatus {
  if (value >= crit) return 'down';
  if (value >= warn) return 'degraded';
  return 'up';
}

/** The worse of two statuses: down over unknown over degraded over up. */
export function worse(a: AgentCheckStatus, b: AgentCheckStatus): AgentCheckStatus {
  const rank: Record<AgentCheckStatus, number> = { up: 0, degraded: 1, unknown: 2, down: 3 };
  return rank[a] >= rank[b] ? a : b;
}
