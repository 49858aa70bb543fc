/** Row shapes of the on-call tables (migration 0031). Times are epoch ms; JSON columns are jsonb/text. */
export interface OnCallSchedulesTable {
  id: string;
  name: string;
  time_zone: string;
  /** `{ layers, overrides }` of the library's Schedule. */
  definition: unknown;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface EscalationPoliciesTable {
  id: string;
  name: string;
  /** The library's EscalationStep list. */
  steps: unknown;
  repeat: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface OnCallFeedTokensTable {
  id: string;
  /** 'user' or 'schedule'. */
  kind: string;
  subject_id: string;
  /** SHA-256 hex of the token. */
  token_hash: string;
  created_by: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface EscalationsTable {
  id: string;
  incident_key: string;
  policy_id: string;
  /** The alert's summary for notifications (labels, annotations, …), as the caller gave it. */
  alert: unknown;
  started_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  /** `{ sent: string[] }`: keys of notifications and skips already handled. */
  progress: unknown;
  next_at: number | null;
  updated_at: number;
}

export interface OnCallHandoffMarksTable {
  schedule_id: string;
  checked_until: number;
}

/** The columns of the users table the on-call part reads (persons are Estate users). */
export interface OnCallUsersTable {
  id: string;
  email: string;
  name: string;
  disabled_at: number | null;
}

/** The tables the on-call part reads and writes, with the users it names. */
export interface OnCallTables {
  users: OnCallUsersTable;
  oncall_schedules: OnCallSchedulesTable;
  escalation_policies: EscalationPoliciesTable;
  oncall_feed_tokens: OnCallFeedTokensTable;
  escalations: EscalationsTable;
  oncall_handoff_marks: OnCallHandoffMarksTable;
}
