import { createPublicKey, type KeyObject } from 'node:crypto';
import { type AgentIntervals, AgentProblemType, ENROLLMENT_TOKEN_PATTERN, type EnrollRequest, type EnrollResponse } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { sha256Hex } from '../../platform/crypto/secret-box';
import { withTransaction } from '../../platform/db/transaction';
import { publishEvent } from '../../platform/events';
import { HttpProblem, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { type AgentRepository, toAgent } from './agent.repository';
import type { AgentTables } from './agents.tables';
import { EnrollmentTokenRepository, type EnrollmentTokenRow, tokenStatus } from './enrollment-token.repository';
import { keyFingerprint, type ServerIdentity } from './server-identity';

const TOKEN_FORMAT = new RegExp(ENROLLMENT_TOKEN_PATTERN);

/** Parses an agent's public key; 400 unless it is an Ed25519 public key as SPKI PEM. */
export function parseAgentPublicKey(pem: string): KeyObject {
  const invalid = () =>
    problems.validation('The public key must be an Ed25519 public key in SPKI PEM form (-----BEGIN PUBLIC KEY-----).', [
      { path: 'body/publicKey', message: 'is not an Ed25519 SPKI PEM public key' },
    ]);
  if (!/^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/.test(pem)) throw invalid();
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw invalid();
  }
  if (key.asymmetricKeyType !== 'ed25519') throw invalid();
  return key;
}

/** Why an enrollment token cannot be used, as the problem the agent gets. */
function refusal(row: EnrollmentTokenRow | undefined, now: number): { problem: HttpProblem; reason: string } {
  const status = row ? tokenStatus(row, now) : 'invalid';
  switch (status) {
    case 'expired':
      return {
        reason: 'expired',
        problem: new HttpProblem(
          401,
          AgentProblemType.enrollmentTokenExpired,
          'Enrollment token expired',
          'Create a new enrollment token.',
        ),
      };
    case 'used':
      return {
        reason: 'used',
        problem: new HttpProblem(
          403,
          AgentProblemType.enrollmentTokenUsed,
          'Enrollment token already used',
          'Each enrollment token enrolls one agent; create a new one.',
        ),
      };
    case 'revoked':
      return {
        reason: 'revoked',
        problem: new HttpProblem(
          403,
          AgentProblemType.enrollmentTokenRevoked,
          'Enrollment token revoked',
          'An administrator revoked this enrollment token; create a new one.',
        ),
      };
    default:
      return {
        reason: 'invalid',
        problem: new HttpProblem(
          401,
          AgentProblemType.enrollmentTokenInvalid,
          'Invalid enrollment token',
          'The server did not issue this enrollment token; check that it was copied whole.',
        ),
      };
  }
}

/**
 * Enrollment: an agent trades a single-use enrollment token and its own Ed25519 public key for an agent identity
 * and the server's identity key. The token is consumed in the same transaction that creates the agent, by a
 * conditional update, so of two concurrent enrollments with one token exactly one succeeds. Refusals (unknown,
 * expired, used, revoked tokens) are audited as failures, never with the token itself. An agent enrolled active is
 * recorded online and `agent.online` is published in the same transaction.
 */
export class EnrollmentService {
  private readonly tokens: EnrollmentTokenRepository;
  private readonly agents: AgentRepository;

  constructor(
    private readonly db: Kysely<AgentTables>,
    agents: AgentRepository,
    private readonly audit: AuditLog,
    private readonly identity: ServerIdentity,
    private readonly intervals: AgentIntervals,
    private readonly onlineWindowMs: number,
  ) {
    this.tokens = new EnrollmentTokenRepository(db);
    this.agents = agents;
  }

  /** Enrolls an agent; 400 for a bad key, 401/403 for an unusable token, 409 for a key another agent holds. */
  async enroll(input: EnrollRequest, ctx: ActionContext): Promise<EnrollResponse> {
    const key = parseAgentPublicKey(input.publicKey);
    const fingerprint = keyFingerprint(key);
    const server = await this.identity.get();
    const tokenHash = TOKEN_FORMAT.test(input.token) ? sha256Hex(input.token) : null;
    const now = Date.now();
    const agentId = newId(now);
    const refused = async (row: EnrollmentTokenRow | undefined): Promise<never> => {
      const { problem, reason } = refusal(row, now);
      await this.audit.record(ctx, {
        action: 'agent.enroll',
        outcome: 'failure',
        targetType: 'enrollment_token',
        targetId: row?.id ?? null,
        after: { reason, hostname: input.hostname, keyFingerprint: fingerprint },
      });
      throw problem;
    };
    if (tokenHash === null) return refused(undefined);
    const token = await this.tokens.byHash(tokenHash);
    if (!token || tokenStatus(token, now) !== 'unused') return refused(token);
    if (await this.agents.keyTaken(fingerprint)) {
      throw problems.conflict('Another agent already enrolled with this public key; generate a new key pair for each agent.');
    }
    const status = Number(token.require_approval) === 1 ? 'pending' : 'active';
    const row = {
      id: agentId,
      hostname: input.hostname,
      machine_id: input.machineId ?? null,
      status,
      version: input.version,
      os: input.os ?? null,
      ci_id: null,
      public_key: key.export({ type: 'spki', format: 'pem' }).toString(),
      key_fingerprint: fingerprint,
      enrollment_token_id: token.id,
      enrolled_at: now,
      approved_at: status === 'active' ? now : null,
      approved_by: null,
      revoked_at: null,
      revoked_by: null,
      last_seen_at: now,
      last_address: ctx.sourceIp,
      dropped_records: 0,
      local: 0,
      // An agent enrolled active is online from its enrollment request on (published below); a pending one from its
      // first request after approval.
      online: status === 'active' ? 1 : 0,
      snapshot: null,
      snapshot_hash: null,
      snapshot_at: null,
      version_no: 1,
    };
    // A concurrent enrollment with the same key wins the unique fingerprint: 409, and this one's token stays unused.
    const consumed = await withTransaction(
      this.db,
      async (trx) => {
        if (!(await this.tokens.consume(trx, token.id, agentId, now))) return false;
        await this.agents.insert(trx, row);
        await this.audit.append(trx, ctx, {
          action: 'agent.enroll',
          targetType: 'agent',
          targetId: agentId,
          after: { ...toAgent(row, now - this.onlineWindowMs), enrollmentTokenId: token.id },
        });
        if (row.online === 1) await publishEvent(trx, 'agent.online', { agentId, ciId: null, lastSeenAt: now });
        return true;
      },
      { conflict: 'Another agent already enrolled with this public key.' },
    );
    // Lost the race to a concurrent enrollment (or a revocation): answer what the token is now.
    if (!consumed) return refused(await this.tokens.byId(token.id));
    return {
      agentId,
      status,
      serverKey: server.publicKeyPem,
      serverKeyFingerprint: server.fingerprint,
      intervals: this.intervals,
    };
  }
}
