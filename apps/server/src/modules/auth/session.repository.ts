import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { reusePlan } from '../../platform/db/prepared-client';
import type { AuthTables, SessionsTable } from './auth.tables';
import { JOINED_USER_COLUMNS } from './user.repository';

export type SessionRow = Selectable<SessionsTable>;

/** SQL for server-side sessions. Only the SHA-256 of a session token is stored. */
export class SessionRepository {
  private compiledByTokenHash: { sql: string } | undefined;

  constructor(private readonly db: Kysely<AuthTables>) {}

  async insert(db: Kysely<AuthTables>, row: SessionRow): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  }

  /** The session and its user in one statement. */
  private byTokenHashQuery(db: Kysely<AuthTables>, tokenHash: string) {
    return db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.id as session_id', 'sessions.last_seen_at', 'sessions.expires_at', ...JOINED_USER_COLUMNS])
      .where('sessions.token_hash', '=', tokenHash);
  }

  /**
   * The hot path of every authenticated request: compiled once to SQL, then run with the hash as its only
   * parameter, skipping Kysely's query building.
   */
  async byTokenHash(tokenHash: string) {
    type Row = Awaited<ReturnType<ReturnType<typeof this.byTokenHashQuery>['executeTakeFirst']>>;
    this.compiledByTokenHash ??= { sql: reusePlan(this.byTokenHashQuery(this.db, '').compile().sql) };
    const result = await this.db.executeQuery<NonNullable<Row>>(CompiledQuery.raw(this.compiledByTokenHash.sql, [tokenHash]));
    return result.rows[0] as Row;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async delete(db: Kysely<AuthTables>, id: string): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /** Revokes all of a user's sessions, or all but `exceptId`. Returns how many were revoked. */
  async deleteForUser(db: Kysely<AuthTables>, userId: string, exceptId?: string): Promise<number> {
    let q = db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  listForUser(userId: string, limit: number, afterId?: string) {
    let q = this.db.selectFrom('sessions').selectAll().where('user_id', '=', userId);
    if (afterId) q = q.where('id', '>', afterId);
    return q
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
  }

  async deleteExpired(now: number, idleMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
