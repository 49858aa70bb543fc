import type { CreateUserRequest, PasswordChanged, SetPasswordRequest, UpdateUserRequest, User, UserListQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Principal } from '../../platform/http/principal';
import { problems } from '../../platform/http/problem';
import type { AuthTables } from './auth.tables';
import type { CredentialChanges } from './credential-cache';
import { assertPasswordStrong, hashPassword } from './password';
import { SessionRepository } from './session.repository';
import { closeSetup } from './setup.repository';
import { TokenRepository } from './token.repository';
import { newUserRow, toUser, UserRepository, type UserRow } from './user.repository';

/**
 * User administration. Changing a user's role or disabling them revokes their sessions at once (their API tokens
 * stop working through the disabled flag and the role check at every request); setting their password revokes their
 * sessions and, by default, their API tokens. The last enabled admin can be
 * neither demoted nor disabled, so an installation never locks itself out.
 */
export class UserService {
  private readonly users: UserRepository;
  private readonly sessions: SessionRepository;
  private readonly tokens: TokenRepository;

  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly audit: AuditLog,
    private readonly credentials: CredentialChanges,
  ) {
    this.users = new UserRepository(db);
    this.sessions = new SessionRepository(db);
    this.tokens = new TokenRepository(db);
  }

  async list(query: UserListQuery): Promise<{ items: User[]; nextCursor: string | null }> {
    const page = await this.users.list(query);
    return { items: page.items.map(toUser), nextCursor: page.nextCursor };
  }

  /** A user and its version (for the ETag). */
  async get(id: string): Promise<{ user: User; version: number }> {
    const row = await this.users.byId(id);
    if (!row) throw problems.notFound('The user');
    return { user: toUser(row), version: row.version };
  }

  /** Creates a user; 409 when the email is taken. */
  async create(input: CreateUserRequest, ctx: ActionContext): Promise<{ user: User; version: number }> {
    assertPasswordStrong(input.password, input.email);
    const row = newUserRow(input.email, input.name, input.role, await hashPassword(input.password), Date.now());
    await this.db.transaction().execute(async (trx) => {
      if (await this.users.byEmail(row.email, trx)) throw problems.conflict(`A user with the email ${row.email} already exists.`);
      await this.users.insert(trx, row);
      // An admin made any other way (the CLI before setup) ends first-run setup as the setup route would.
      if (row.role === 'admin') await closeSetup(trx);
      await this.audit.append(trx, ctx, { action: 'user.create', targetType: 'user', targetId: row.id, after: toUser(row) });
    });
    return { user: toUser(row), version: row.version };
  }

  /** Updates name, role or disabled state when `expectedVersion` is current (412 otherwise). */
  async update(
    id: string,
    patch: UpdateUserRequest,
    expectedVersion: number,
    actor: Principal | null,
    ctx: ActionContext,
  ): Promise<{ user: User; version: number }> {
    const updated = await this.db.transaction().execute(async (trx) => {
      const before = await this.users.byId(id, trx);
      if (!before) throw problems.notFound('The user');
      if (before.version !== expectedVersion) throw problems.preconditionFailed();
      const demotes = patch.role !== undefined && patch.role !== 'admin' && before.role === 'admin';
      const disables = patch.disabled === true && before.disabled_at === null;
      if ((demotes || disables) && before.role === 'admin') await this.assertAnotherAdmin(trx, before.id);
      if (actor && actor.userId === id && disables) throw problems.conflict('You cannot disable your own account.');
      const set: Partial<UserRow> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.disabled !== undefined) set.disabled_at = patch.disabled ? (before.disabled_at ?? Date.now()) : null;
      const after = await this.users.updateVersioned(trx, id, expectedVersion, set);
      if (!after) throw problems.preconditionFailed();
      let sessionsRevoked = 0;
      if ((patch.role !== undefined && patch.role !== before.role) || disables)
        sessionsRevoked = await this.sessions.deleteForUser(trx, id);
      await this.audit.append(trx, ctx, {
        action: disables ? 'user.disable' : 'user.update',
        targetType: 'user',
        targetId: id,
        before: toUser(before),
        after: { ...toUser(after), ...(sessionsRevoked ? { sessionsRevoked } : {}) },
      });
      return { user: toUser(after), version: after.version };
    });
    this.credentials.userChanged(id);
    return updated;
  }

  /**
   * Sets a user's password as an administrator; revokes all their sessions and, unless `keepTokens`, their API
   * tokens, in the same transaction. Answers how many of each were revoked.
   */
  async setPassword(id: string, request: SetPasswordRequest, ctx: ActionContext): Promise<PasswordChanged> {
    const user = await this.users.byId(id);
    if (!user) throw problems.notFound('The user');
    assertPasswordStrong(request.newPassword, user.email, 'newPassword');
    const hash = await hashPassword(request.newPassword);
    const revoked = await this.db.transaction().execute(async (trx) => {
      const current = await this.users.byId(id, trx);
      if (!current) throw problems.notFound('The user');
      await this.users.updateVersioned(trx, id, current.version, { password_hash: hash });
      const counts = {
        sessionsRevoked: await this.sessions.deleteForUser(trx, id),
        tokensRevoked: request.keepTokens ? 0 : await this.tokens.revokeForUser(trx, id, Date.now()),
      };
      await this.audit.append(trx, ctx, { action: 'user.password.set', targetType: 'user', targetId: id, after: counts });
      return counts;
    });
    this.credentials.userChanged(id);
    return revoked;
  }

  /**
   * Creates an admin from the CLI (`estate admin create`), which holds the database and so full trust. Works before
   * and after setup; audited with the CLI as actor.
   */
  async createAdminFromCli(email: string, name: string, password: string): Promise<User> {
    const ctx: ActionContext = { actor: { type: 'cli', id: null, label: 'estate admin create' }, requestId: null, sourceIp: null };
    const { user } = await this.create({ email, name, password, role: 'admin' }, ctx);
    return user;
  }

  private async assertAnotherAdmin(db: Kysely<AuthTables>, exceptId: string): Promise<void> {
    const other = await db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .where('id', '!=', exceptId)
      .limit(1)
      .executeTakeFirst();
    if (!other) throw problems.conflict('This is the last enabled admin; make someone else an admin first.');
  }
}
