/** Row shapes of the suppression tables (migration 0033). Times are epoch ms; JSON columns are jsonb/text. */

export interface AlertSilencesTable {
  id: string;
  /** `[{ name, type, value }]`. */
  matchers: unknown;
  /** The matchers in Alertmanager's text form (searched by the list's filter). */
  matchers_text: string;
  starts_at: number;
  /** Set to the moment of expiry when a silence is expired early; the row is kept. */
  ends_at: number;
  comment: string;
  /** The author the silence names (free text, as in Alertmanager). */
  created_by: string;
  /** The user who created it; null when the user was deleted. */
  created_by_user: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface MaintenanceWindowsTable {
  id: string;
  name: string;
  description: string;
  time_zone: string;
  /** A `MaintenanceSchedule` (maintenance-schedule.ts). */
  schedule: unknown;
  /** A `MaintenanceScope`: `{ ciIds, checkIds, tags, matchers }`. */
  scope: unknown;
  /** The earliest moment an occurrence may cover. */
  active_from: number;
  /** The latest moment an occurrence may cover; null when it recurs without end. */
  active_until: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface AlertRoutingConfigTable {
  /** Always 1: the one current configuration. */
  id: number;
  yaml: string;
  version: number;
  updated_by: string | null;
  updated_at: number;
}

export interface AlertRoutingConfigHistoryTable {
  version: number;
  yaml: string;
  updated_by: string | null;
  updated_at: number;
}

/** The tables the suppression part reads and writes. */
export interface SuppressionTables {
  system_state: { key: string; value: string; updated_at: number };
  users: { id: string; email: string };
  /** Read only: the ids and tags a maintenance window's scope names. */
  cis: { id: string };
  checks: { id: string };
  ci_tags: { ci_id: string; tag: string };
  alert_silences: AlertSilencesTable;
  maintenance_windows: MaintenanceWindowsTable;
  alert_routing_config: AlertRoutingConfigTable;
  alert_routing_config_history: AlertRoutingConfigHistoryTable;
}
