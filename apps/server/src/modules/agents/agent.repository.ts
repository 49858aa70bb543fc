import type { Agent, AgentStatus } from '@estate/contract';
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../platform/db/database';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { AgentsTable, AgentTables } from './agents.tables';

/** An agent row. */
export type AgentRow = Selectable<AgentsTable>;

/** The columns read to present or authenticate an agent: everything but the (possibly large) snapshot. */
const AGENT_COLUMNS = [
  'id',
  'hostname',
  'machine_id',
  'status',
  'version',
  'os',
  'ci_id',
  'public_key',
  'key_fingerprint',
  'enrollment_token_id',
  'enrolled_at',
  'approved_at',
  'approved_by',
  'revoked_at',
  'revoked_by',
  'last_seen_at',
  'last_address',
  'dropped_records',
  'online',
  'local',
  'snapshot_hash',
  'snapshot_at',
  'version_no',
] as const;

/** An agent row without its snapshot. */
export type AgentSummaryRow = Omit<AgentRow, 'snapshot'>;

/** Presents an agent; `onlineSinceMs` is the oldest last-seen time that still counts as online. */
export function toAgent(row: AgentSummaryRow, onlineSinceMs: number): Agent {
  const lastSeenAt = row.last_seen_at === null ? null : Number(row.last_seen_at);
  return {
    id: row.id,
    hostname: row.hostname,
    machineId: row.machine_id,
    status: row.status as AgentStatus,
    online: row.status === 'active' && lastSeenAt !== null && lastSeenAt >= onlineSinceMs,
    version: row.version,
    os: row.os,
    ciId: row.ci_id,
    keyFingerprint: row.key_fingerprint,
    enrolledAt: Number(row.enrolled_at),
    approvedAt: row.approved_at === null ? null : Number(row.approved_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    lastSeenAt,
    lastAddress: row.last_address,
    droppedRecords: Number(row.dropped_records),
    local: Number(row.local) === 1,
  };
}

/** SQL for agents, their replay and idempotency records and their samples. Both engines. */
export class AgentRepository {
  constructor(
    readonly db: Kysely<AgentTables>,
    private readonly dialect: Dialect,
  ) {}

  async insert(db: Kysely<AgentTables>, row: AgentRow): Promise<void> {
    await db
      .insertInto('agents')
      .values({ ...row, snapshot: row.snapshot === null ? null : JSON.stringify(row.snapshot) })
      .execute();
  }

  byId(id: string, db: Kysely<AgentTables> = this.db): Promise<AgentSummaryRow | undefined> {
    return db.selectFrom('agents').select(AGENT_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** The agent's row with its snapshot, locked against concurrent reports on PostgreSQL. */
  async withSnapshotForUpdate(db: Kysely<AgentTables>, id: string): Promise<AgentRow | undefined> {
    let q = db.selectFrom('agents').selectAll().where('id', '=', id);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) return undefined;
    return { ...row, snapshot: typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot };
  }

  async keyTaken(fingerprint: string, db: Kysely<AgentTables> = this.db): Promise<boolean> {
    return (await db.selectFrom('agents').select('id').where('key_fingerprint', '=', fingerprint).executeTakeFirst()) !== undefined;
  }

  /** Changes an agent's status (approve, revoke) and bumps its version; false when the row changed meanwhile. */
  async setStatus(
    db: Kysely<AgentTables>,
    row: AgentSummaryRow,
    change: Partial<Pick<AgentsTable, 'status' | 'approved_at' | 'approved_by' | 'revoked_at' | 'revoked_by'>>,
  ): Promise<boolean> {
    const result = await db
      .updateTable('agents')
      .set({ ...change, version_no: row.version_no + 1 })
      .where('id', '=', row.id)
      .where('version_no', '=', row.version_no)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Records a signed request's nonce; false when the agent used it before (a replay). The nonce is kept until
   * `expiresAt`, after which its timestamp could no longer pass the clock-skew check anyway.
   */
  async claimNonce(db: Kysely<AgentTables>, agentId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const result = await db
      .insertInto('agent_nonces')
      .values({ agent_id: agentId, nonce, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['agent_id', 'nonce']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Makes `id` the one local agent (none when null): clears every other agent's flag and sets its own. */
  async setLocal(db: Kysely<AgentTables>, id: string | null): Promise<Array<{ id: string }>> {
    let clear = db.updateTable('agents').set({ local: 0 }).where('local', '=', 1);
    if (id !== null) clear = clear.where('id', '!=', id);
    const cleared = await clear.returning('id').execute();
    if (id !== null) await db.updateTable('agents').set({ local: 1 }).where('id', '=', id).execute();
    return cleared;
  }

  async touch(db: Kysely<AgentTables>, id: string, at: number, address: string): Promise<void> {
    await db.updateTable('agents').set({ last_seen_at: at, last_address: address }).where('id', '=', id).execute();
  }

  /**
   * Records the active agent `id` online unless it already is; answers its host CI when this call flipped it (so
   * exactly one of several concurrent requests learns it came online), undefined otherwise.
   */
  async markOnline(db: Kysely<AgentTables>, id: string): Promise<{ ci_id: string | null } | undefined> {
    return db
      .updateTable('agents')
      .set({ online: 1 })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('online', '=', 0)
      .returning('ci_id')
      .executeTakeFirst();
  }

  /**
   * Records offline every online agent whose last request is before `seenBefore` (or that never made one), and
   * answers them. The condition is re-checked by the update itself, so concurrent sweeps each get different agents
   * and an agent that made a request meanwhile is left online.
   */
  markOffline(
    db: Kysely<AgentTables>,
    seenBefore: number,
  ): Promise<Array<{ id: string; ci_id: string | null; last_seen_at: number | null }>> {
    return db
      .updateTable('agents')
      .set({ online: 0 })
      .where('online', '=', 1)
      .where((eb) => eb.or([eb('last_seen_at', '<', seenBefore), eb('last_seen_at', 'is', null)]))
      .returning(['id', 'ci_id', 'last_seen_at'])
      .execute();
  }

  async saveSnapshot(
    db: Kysely<AgentTables>,
    id: string,
    change: Pick<AgentsTable, 'snapshot' | 'snapshot_hash' | 'snapshot_at' | 'hostname' | 'machine_id' | 'os'>,
  ): Promise<void> {
    await db
      .updateTable('agents')
      .set({ ...change, snapshot: JSON.stringify(change.snapshot) })
      .where('id', '=', id)
      .execute();
  }

  async confirmSnapshot(db: Kysely<AgentTables>, id: string, at: number): Promise<void> {
    await db.updateTable('agents').set({ snapshot_at: at }).where('id', '=', id).execute();
  }

  async bindCi(db: Kysely<AgentTables>, id: string, ciId: string): Promise<void> {
    await db.updateTable('agents').set({ ci_id: ciId }).where('id', '=', id).execute();
  }

  async setDropped(db: Kysely<AgentTables>, id: string, dropped: number): Promise<void> {
    await db.updateTable('agents').set({ dropped_records: dropped }).where('id', '=', id).execute();
  }

  /** The stored first answer to an idempotency key, if any. */
  async receipt(db: Kysely<AgentTables>, agentId: string, key: string): Promise<{ status: number; response: unknown } | undefined> {
    const row = await db
      .selectFrom('agent_receipts')
      .select(['status', 'response'])
      .where('agent_id', '=', agentId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    return { status: Number(row.status), response: typeof row.response === 'string' ? JSON.parse(row.response) : row.response };
  }

  /** Stores the first answer to an idempotency key; a concurrent duplicate fails with a unique violation. */
  async saveReceipt(db: Kysely<AgentTables>, agentId: string, key: string, status: number, response: unknown): Promise<void> {
    await db
      .insertInto('agent_receipts')
      .values({ agent_id: agentId, idempotency_key: key, status, response: JSON.stringify(response), received_at: Date.now() })
      .execute();
  }

  /** One page of agents by id, optionally of one status. */
  async list(opts: { status?: AgentStatus | undefined; limit: number; cursor?: string | undefined }) {
    let q = this.db.selectFrom('agents').select(AGENT_COLUMNS);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.cursor) q = q.where('id', '>', String(decodeCursor(opts.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'asc')
      .limit(opts.limit + 1)
      .execute();
    return toPage(rows, opts.limit, (r) => [r.id]);
  }

  /** Deletes nonces past their expiry and receipts older than `receiptsBefore`; returns the counts. */
  async prune(now: number, receiptsBefore: number) {
    const nonces = await this.db.deleteFrom('agent_nonces').where('expires_at', '<', now).executeTakeFirst();
    const receipts = await this.db.deleteFrom('agent_receipts').where('received_at', '<', receiptsBefore).executeTakeFirst();
    return { nonces: Number(nonces.numDeletedRows), receipts: Number(receipts.numDeletedRows) };
  }
}
