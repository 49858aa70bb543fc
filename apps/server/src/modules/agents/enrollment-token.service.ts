import type { CreatedEnrollmentToken, CreateEnrollmentTokenRequest, EnrollmentToken, EnrollmentTokenListQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { randomToken, sha256Hex } from '../../platform/crypto/secret-box';
import { problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { AgentTables } from './agents.tables';
import { EnrollmentTokenRepository, toEnrollmentToken } from './enrollment-token.repository';
import type { ServerIdentity } from './server-identity';

/** The prefix of every enrollment token, so a leaked one is recognisable (and scannable) for what it is. */
export const ENROLLMENT_TOKEN_PREFIX = 'estate-enroll-';

/**
 * Enrollment tokens: `estate-enroll-` + 256 random bits, shown once at creation and stored as SHA-256. A token
 * lets exactly one agent enroll before it expires (default one hour, at most a week); administrators can revoke
 * an unused one. Creation and revocation are audited; the token itself never is.
 */
export class EnrollmentTokenService {
  private readonly tokens: EnrollmentTokenRepository;

  constructor(
    private readonly db: Kysely<AgentTables>,
    private readonly audit: AuditLog,
    private readonly identity: ServerIdentity,
  ) {
    this.tokens = new EnrollmentTokenRepository(db);
  }

  /**
   * Creates a token for `userId`; the answer holds the secret, which is never shown again, and the fingerprint of
   * the server key the enrolling agent should insist on.
   */
  async create(input: CreateEnrollmentTokenRequest, userId: string | null, ctx: ActionContext): Promise<CreatedEnrollmentToken> {
    const secret = `${ENROLLMENT_TOKEN_PREFIX}${randomToken(32)}`;
    const now = Date.now();
    const row = {
      id: newId(now),
      name: input.name,
      token_hash: sha256Hex(secret),
      require_approval: input.requireApproval ? 1 : 0,
      created_by: userId,
      created_at: now,
      expires_at: now + (input.ttlMinutes ?? 60) * 60_000,
      used_at: null,
      agent_id: null,
      revoked_at: null,
    };
    const enrollmentToken = toEnrollmentToken(row, now);
    await this.db.transaction().execute(async (trx) => {
      await this.tokens.insert(trx, row);
      await this.audit.append(trx, ctx, {
        action: 'enrollment_token.create',
        targetType: 'enrollment_token',
        targetId: row.id,
        after: enrollmentToken,
      });
    });
    return { enrollmentToken, token: secret, serverKeyFingerprint: (await this.identity.get()).fingerprint };
  }

  /** One page of tokens, newest first, with their status as of now. */
  async list(query: EnrollmentTokenListQuery): Promise<{ items: EnrollmentToken[]; nextCursor: string | null }> {
    const page = await this.tokens.list({ limit: query.limit ?? 50, cursor: query.cursor });
    const now = Date.now();
    return { items: page.items.map((r) => toEnrollmentToken(r, now)), nextCursor: page.nextCursor };
  }

  /**
   * Revokes an unused token so nobody can enroll with it. Revoking a revoked one changes nothing; a used token
   * cannot be revoked (409: revoke the agent instead); an unknown id is 404.
   */
  async revoke(id: string, ctx: ActionContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.tokens.byId(id, trx);
      if (!row) throw problems.notFound('The enrollment token');
      if (row.revoked_at !== null) return;
      if (row.used_at !== null) {
        throw problems.conflict('The enrollment token was already used; revoke the agent that enrolled with it instead.');
      }
      const now = Date.now();
      if (!(await this.tokens.revoke(trx, id, now))) {
        throw problems.conflict('The enrollment token was used while it was being revoked; revoke the agent instead.');
      }
      await this.audit.append(trx, ctx, {
        action: 'enrollment_token.revoke',
        targetType: 'enrollment_token',
        targetId: id,
        before: toEnrollmentToken(row, now),
        after: toEnrollmentToken({ ...row, revoked_at: now }, now),
      });
    });
  }
}
