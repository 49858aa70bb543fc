/** Row shapes of the auth module's tables (see migrations 0001 and 0016). Timestamps are epoch ms. */
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  mfa_secret: string | null;
  mfa_enabled_at: number | null;
  mfa_last_step: number | null;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  version: number;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: unknown;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: number;
  locked_until: number | null;
}

export interface SystemStateTable {
  key: string;
  value: string;
  updated_at: number;
}

/** The tables this module reads and writes, plus the audit log it appends to in the same transactions. */
export interface AuthTables {
  users: UsersTable;
  recovery_codes: RecoveryCodesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  system_state: SystemStateTable;
}
