import type { Role, User, UserListQuery } from '@estate/contract';
import { type Kysely, type Selectable, sql } from 'kysely';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { newId } from '../../platform/ids';
import type { AuthTables, UsersTable } from './auth.tables';

export type UserRow = Selectable<UsersTable>;

/** The user columns joined onto a session or token lookup (aliased where they clash), as `userFromJoin` reads them. */
export const JOINED_USER_COLUMNS = [
  'users.id as user_id',
  'users.email',
  'users.name',
  'users.role',
  'users.disabled_at',
  'users.mfa_enabled_at',
  'users.created_at as user_created_at',
  'users.updated_at as user_updated_at',
  'users.last_login_at',
] as const;

/** A new user row with defaults: enabled, no MFA, never signed in, version 1; the email lower-cased. */
export function newUserRow(email: string, name: string, role: Role, passwordHash: string, now: number): UserRow {
  return {
    id: newId(now),
    email: email.trim().toLowerCase(),
    name,
    role,
    password_hash: passwordHash,
    mfa_secret: null,
    mfa_enabled_at: null,
    mfa_last_step: null,
    disabled_at: null,
    created_at: now,
    updated_at: now,
    last_login_at: null,
    version: 1,
  };
}

/** Presents a user row through the API: never the password hash or the MFA secret. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    mfaEnabled: row.mfa_enabled_at !== null,
    disabled: row.disabled_at !== null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
  };
}

/** SQL for users and their recovery codes. Emails are stored lower-cased; lookups are exact. */
export class UserRepository {
  constructor(private readonly db: Kysely<AuthTables>) {}

  byId(id: string, db: Kysely<AuthTables> = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byEmail(email: string, db: Kysely<AuthTables> = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  async anyAdmin(db: Kysely<AuthTables> = this.db): Promise<boolean> {
    const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async insert(db: Kysely<AuthTables>, row: UserRow): Promise<void> {
    await db.insertInto('users').values(row).execute();
  }

  /** Updates when `version` still matches; returns the new row, or undefined when someone else changed it first. */
  async updateVersioned(db: Kysely<AuthTables>, id: string, version: number, patch: Partial<UserRow>): Promise<UserRow | undefined> {
    const result = await db
      .updateTable('users')
      .set({ ...patch, version: version + 1, updated_at: Date.now() })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.byId(id, db);
  }

  async touchLogin(db: Kysely<AuthTables>, id: string, at: number): Promise<void> {
    await db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
  }

  async list(query: UserListQuery): Promise<{ items: UserRow[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    let q = this.db.selectFrom('users').selectAll();
    if (query.role) q = q.where('role', '=', query.role);
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // ESCAPE is explicit: SQLite's LIKE has no default escape character, PostgreSQL's is the backslash.
      q = q.where(sql<boolean>`(email like ${like} escape '\\' or lower(name) like ${like} escape '\\')`);
    }
    if (query.cursor) q = q.where('id', '>', String(decodeCursor(query.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
    return toPage(rows, limit, (r) => [r.id]);
  }

  async replaceRecoveryCodes(db: Kysely<AuthTables>, userId: string, rows: AuthTables['recovery_codes'][]): Promise<void> {
    await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    if (rows.length > 0) await db.insertInto('recovery_codes').values(rows).execute();
  }

  /** Marks an unused recovery code used; true when it existed and was unused (a code works once). */
  async consumeRecoveryCode(db: Kysely<AuthTables>, userId: string, codeHash: string, at: number): Promise<boolean> {
    const result = await db
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordTotpStep(db: Kysely<AuthTables>, userId: string, step: number): Promise<boolean> {
    const result = await db
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
