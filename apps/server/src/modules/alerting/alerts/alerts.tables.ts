/** Row shapes of migration 0030 (alert rules and alerts). Times are epoch ms; JSON columns are jsonb/text. */
export interface AlertRuleGroupsTable {
  id: string;
  name: string;
  interval_ms: number | null;
  rule_limit: number;
  /** RuleSpec[] as JSON. */
  rules: unknown;
  /** 1 or 0. */
  enabled: number;
  file: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface AlertsTable {
  id: string;
  fingerprint: string;
  source: string;
  rule_group_id: string | null;
  rule_name: string;
  rule_version: number | null;
  labels: unknown;
  annotations: unknown;
  state: 'pending' | 'firing' | 'resolved';
  severity: string;
  value: number | null;
  active_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  /** Alerts sent in: when it resolves unless sent again; null for rule alerts. */
  ends_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  suppressed_by: unknown;
  notified: number;
  updated_at: number;
}

export interface AlertEventsTable {
  id: string;
  alert_id: string;
  at: number;
  kind: string;
  actor: string | null;
  detail: unknown;
}

export interface AlertingStateTable {
  key: string;
  value: unknown;
  holder: string | null;
  until: number | null;
  updated_at: number;
}

export interface AlertTables {
  alert_rule_groups: AlertRuleGroupsTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  alerting_state: AlertingStateTable;
}
