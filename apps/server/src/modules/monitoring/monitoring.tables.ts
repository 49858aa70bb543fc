import type { AgentTables } from '../agents';
import type { InventoryTables } from '../inventory';

/** Row shapes of the monitoring tables (migrations 0026 and 0027). Times are epoch ms; JSON columns are jsonb/text. */
export interface ChecksTable {
  id: string;
  name: string;
  type: string;
  /** 1 or 0. */
  enabled: number;
  target: string;
  interval_ms: number;
  timeout_ms: number;
  retries: number;
  /** The type's settings, without secrets. */
  config: unknown;
  conditions: unknown;
  warning_conditions: unknown;
  /** The secrets as JSON, sealed with the secret box and bound to the check's id; null when there are none. */
  secret: string | null;
  secret_names: unknown;
  /** Push checks: the token of the ping URL; null for other types. */
  push_token: string | null;
  /** Push checks: when the last start ping came, and its run id; null when none is open. */
  push_started_at: number | null;
  push_run_id: string | null;
  /** The host agent that runs the check (migration 0027); null: the server's workers run it. */
  agent_id: string | null;
  /** Agent-side checks: the agent's time of the newest result it delivered; older ones are not recorded again. */
  agent_result_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface CheckCisTable {
  check_id: string;
  ci_id: string;
}

export interface CheckStatesTable {
  check_id: string;
  state: string;
  since: number | null;
  last_run_at: number | null;
  last_status: string | null;
  last_duration_ms: number | null;
  last_message: string | null;
  consecutive_failures: number;
  flapping: number;
  /** Epoch ms of the latest state changes, oldest first. */
  changes: unknown;
  results: number;
  updated_at: number;
}

export interface CheckResultsTable {
  check_id: string;
  slot: number;
  at: number;
  status: string;
  duration_ms: number;
  message: string;
  conditions: unknown;
  details: unknown;
}

export interface CheckStateHistoryTable {
  id: string;
  check_id: string;
  at: number;
  state: string;
  previous: string | null;
  message: string;
}

export interface MonitoringTables extends InventoryTables {
  /** Read only: agent-side checks name their agent and its host name. */
  agents: Pick<AgentTables['agents'], 'id' | 'hostname' | 'status' | 'last_seen_at'>;
  system_state: { key: string; value: string; updated_at: number };
  checks: ChecksTable;
  check_cis: CheckCisTable;
  check_states: CheckStatesTable;
  check_results: CheckResultsTable;
  check_state_history: CheckStateHistoryTable;
  check_workers: CheckWorkersTable;
  check_shards: CheckShardsTable;
}

/** A process that runs checks, and until when it said it is alive (migration 0028). */
export interface CheckWorkersTable {
  worker_id: string;
  host: string;
  pid: number;
  started_at: number;
  alive_until: number;
}

/** One shard of the checks: who holds its lease and until when (0: nobody). */
export interface CheckShardsTable {
  shard: number;
  worker_id: string | null;
  expires_at: number;
  /** How often it changed hands (a taken-over or released lease), for /metrics and tests. */
  moves: number;
}
