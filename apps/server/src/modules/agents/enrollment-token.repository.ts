import type { EnrollmentToken, EnrollmentTokenStatus } from '@estate/contract';
import type { Kysely, Selectable } from 'kysely';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { AgentTables, EnrollmentTokensTable } from './agents.tables';

/** An enrollment token row. */
export type EnrollmentTokenRow = Selectable<EnrollmentTokensTable>;

/** A token's status at `now`: revoked and used win over expired, so the list says what actually happened. */
export function tokenStatus(row: EnrollmentTokenRow, now = Date.now()): EnrollmentTokenStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.used_at !== null) return 'used';
  if (Number(row.expires_at) <= now) return 'expired';
  return 'unused';
}

/** Presents a token row: never its hash. */
export function toEnrollmentToken(row: EnrollmentTokenRow, now = Date.now()): EnrollmentToken {
  return {
    id: row.id,
    name: row.name,
    status: tokenStatus(row, now),
    requireApproval: Number(row.require_approval) === 1,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    usedAt: row.used_at === null ? null : Number(row.used_at),
    agentId: row.agent_id,
    createdBy: row.created_by,
  };
}

/** SQL for enrollment tokens. Only a token's SHA-256 is stored. */
export class EnrollmentTokenRepository {
  constructor(private readonly db: Kysely<AgentTables>) {}

  async insert(db: Kysely<AgentTables>, row: EnrollmentTokenRow): Promise<void> {
    await db.insertInto('enrollment_tokens').values(row).execute();
  }

  byId(id: string, db: Kysely<AgentTables> = this.db): Promise<EnrollmentTokenRow | undefined> {
    return db.selectFrom('enrollment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byHash(tokenHash: string, db: Kysely<AgentTables> = this.db): Promise<EnrollmentTokenRow | undefined> {
    return db.selectFrom('enrollment_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /**
   * Marks the token used by `agentId` if, and only if, it is still unused, unrevoked and unexpired, in one
   * statement: of two concurrent enrollments (PostgreSQL re-checks the condition after the first commits) exactly
   * one gets `true`.
   */
  async consume(db: Kysely<AgentTables>, id: string, agentId: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('enrollment_tokens')
      .set({ used_at: now, agent_id: agentId })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Revokes a token unless it was used or revoked already; true when this call revoked it. */
  async revoke(db: Kysely<AgentTables>, id: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('enrollment_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Newest first, keyset-paginated on the time-sortable id. */
  async list(opts: { limit: number; cursor?: string | undefined }) {
    let q = this.db.selectFrom('enrollment_tokens').selectAll();
    if (opts.cursor) q = q.where('id', '<', String(decodeCursor(opts.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'desc')
      .limit(opts.limit + 1)
      .execute();
    return toPage(rows, opts.limit, (r) => [r.id]);
  }
}
