import type { ApiToken, Permission } from '@estate/contract';
import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import { readJson } from '../../platform/db/database';
import { reusePlan } from '../../platform/db/prepared-client';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { ApiTokensTable, AuthTables } from './auth.tables';
import { JOINED_USER_COLUMNS } from './user.repository';

export type TokenRow = Selectable<ApiTokensTable>;

/** Presents a token row: never its hash. */
export function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: readJson<Permission[]>(row.scopes),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** SQL for API tokens. Only the SHA-256 of a token is stored. */
export class TokenRepository {
  private compiledByHash: { sql: string } | undefined;

  constructor(private readonly db: Kysely<AuthTables>) {}

  async insert(db: Kysely<AuthTables>, row: TokenRow): Promise<void> {
    await db
      .insertInto('api_tokens')
      .values({ ...row, scopes: JSON.stringify(row.scopes) })
      .execute();
  }

  byId(id: string, db: Kysely<AuthTables> = this.db): Promise<TokenRow | undefined> {
    return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The token and its owner in one statement. */
  private byHashQuery(db: Kysely<AuthTables>, tokenHash: string) {
    return db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id as token_id',
        'api_tokens.scopes',
        'api_tokens.expires_at',
        'api_tokens.revoked_at',
        'api_tokens.last_used_at',
        ...JOINED_USER_COLUMNS,
      ])
      .where('api_tokens.token_hash', '=', tokenHash);
  }

  /**
   * The hot path of every authenticated request: compiled once to SQL, then run with the hash as its only
   * parameter, skipping Kysely's query building.
   */
  async byHash(tokenHash: string) {
    type Row = Awaited<ReturnType<ReturnType<typeof this.byHashQuery>['executeTakeFirst']>>;
    this.compiledByHash ??= { sql: reusePlan(this.byHashQuery(this.db, '').compile().sql) };
    const result = await this.db.executeQuery<NonNullable<Row>>(CompiledQuery.raw(this.compiledByHash.sql, [tokenHash]));
    return result.rows[0] as Row;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async revoke(db: Kysely<AuthTables>, id: string, at: number): Promise<void> {
    await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Revokes every live token of a user; returns how many. */
  async revokeForUser(db: Kysely<AuthTables>, userId: string, at: number): Promise<number> {
    const result = await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async list(opts: { userId?: string; includeRevoked?: boolean; limit: number; cursor?: string }) {
    let q = this.db.selectFrom('api_tokens').selectAll();
    if (opts.userId) q = q.where('user_id', '=', opts.userId);
    if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null);
    if (opts.cursor) q = q.where('id', '>', String(decodeCursor(opts.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'asc')
      .limit(opts.limit + 1)
      .execute();
    return toPage(rows, opts.limit, (r) => [r.id]);
  }
}
