/** Row shapes of the agent tables (migration 0006). Times are epoch ms; JSON columns are jsonb/text; booleans 0/1. */
export interface ServerKeysTable {
  id: string;
  /** What the key is for, e.g. `agent-identity`; one key per purpose. */
  purpose: string;
  public_key: string;
  /** The private key, sealed with the secret box (its key lives outside the database). */
  private_key: string;
  created_at: number;
}

export interface EnrollmentTokensTable {
  id: string;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  token_hash: string;
  require_approval: number;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  agent_id: string | null;
  revoked_at: number | null;
}

export interface AgentsTable {
  id: string;
  hostname: string;
  machine_id: string | null;
  status: string;
  version: string;
  os: string | null;
  ci_id: string | null;
  /** Ed25519 public key, SPKI PEM. */
  public_key: string;
  key_fingerprint: string;
  enrollment_token_id: string | null;
  enrolled_at: number;
  approved_at: number | null;
  approved_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  last_seen_at: number | null;
  last_address: string | null;
  dropped_records: number;
  /**
   * 1 while the agent is recorded online (migration 0013): set by its first request after being offline, cleared by
   * the sweep once its last request is older than the online window. What `agent.online`/`agent.offline` publish.
   */
  online: number;
  /** 1 on the agent `estate serve` runs for its own machine (migration 0019), 0 on every other. */
  local: number;
  /** The last inventory snapshot acknowledged, and the hash deltas are based on. */
  snapshot: unknown;
  snapshot_hash: string | null;
  snapshot_at: number | null;
  /** Row version for optimistic concurrency (ETag). */
  version_no: number;
}

export interface AgentNoncesTable {
  agent_id: string;
  nonce: string;
  expires_at: number;
}

export interface AgentReceiptsTable {
  agent_id: string;
  idempotency_key: string;
  status: number;
  response: unknown;
  received_at: number;
}

/** The tables the agents module reads and writes. */
export interface AgentTables {
  server_keys: ServerKeysTable;
  enrollment_tokens: EnrollmentTokensTable;
  agents: AgentsTable;
  agent_nonces: AgentNoncesTable;
  agent_receipts: AgentReceiptsTable;
}
