import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  AGENT_CLOCK_SKEW_MS,
  AGENT_HEADERS,
  AgentProblemType,
  agentSigningPayload,
  ProblemType,
  serverSigningPayload,
} from '@estate/contract';
import type { FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { publishEvent } from '../../platform/events';
import { HttpProblem } from '../../platform/http/problem';
import type { AgentRepository, AgentSummaryRow } from './agent.repository';
import type { ServerIdentity } from './server-identity';

const AGENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{1,15}$/;
/** 16 to 96 random bytes in base64url. */
const NONCE = /^[A-Za-z0-9_-]{22,128}$/;
/** An Ed25519 signature: 64 bytes, 86 base64url characters (padding tolerated). */
const SIGNATURE = /^[A-Za-z0-9_-]{86}(==)?$/;
const EMPTY = Buffer.alloc(0);
const KEY_CACHE_SIZE = 10_000;

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function unauthenticated(detail: string, type: string = ProblemType.unauthenticated): HttpProblem {
  return new HttpProblem(401, type, 'Agent authentication failed', detail);
}

/** What routes of the agent API need from the signed request once it is verified. */
export interface VerifiedAgentRequest {
  agent: AgentSummaryRow;
  /** The request's `Idempotency-Key`, when it sent one. */
  idempotencyKey: string | undefined;
}

/**
 * Authenticates host agents and signs the answers they get. An agent request carries its id, a timestamp, a
 * nonce and an Ed25519 signature over `agentSigningPayload` (method, path with query, timestamp, nonce, SHA-256 of
 * the raw body bytes). The request is refused unless the signature verifies with the agent's enrolled key, the
 * timestamp is within the allowed clock skew, the nonce is new for the agent (else a replay), and the agent is
 * active (or pending, on the one route that tells a pending agent to wait). An accepted request from an active agent
 * recorded offline records it online and publishes `agent.online`, in the transaction that records the visit.
 * The agent row is read on every request,
 * so a revocation takes effect on the very next one. Every answer on these routes, errors included, carries
 * `X-Estate-Server-Signature` by the server's identity key, bound to the request's nonce.
 */
export class AgentAuthenticator {
  private readonly verified = new WeakMap<FastifyRequest, AgentSummaryRow>();
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly agents: AgentRepository,
    private readonly identity: ServerIdentity,
  ) {}

  /**
   * Route options for an agent route: the `agent` access flag, the verification hook and the answer signer.
   * `allowPending` lets a pending agent through (only `GET /agent/config`, which tells it to wait).
   */
  routeOptions(options: { allowPending?: boolean } = {}): Pick<RouteShorthandOptions, 'preValidation' | 'onSend'> & {
    config: { agent: true };
  } {
    return {
      config: { agent: true },
      preValidation: async (request: FastifyRequest) => this.verify(request, options.allowPending === true),
      onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => this.signAnswer(request, reply, payload),
    };
  }

  /** The verified agent of a request and its idempotency key; 401 when the request was not verified. */
  of(request: FastifyRequest): VerifiedAgentRequest {
    const agent = this.verified.get(request);
    if (!agent) throw unauthenticated('The request is not signed by an enrolled agent.');
    const key = header(request, AGENT_HEADERS.idempotencyKey);
    if (key !== undefined && !/^[A-Za-z0-9._:-]{1,200}$/.test(key)) {
      throw new HttpProblem(400, ProblemType.validation, 'Invalid request', 'Idempotency-Key must be 1–200 of A–Z a–z 0–9 . _ : -.');
    }
    return { agent, idempotencyKey: key };
  }

  private async verify(request: FastifyRequest, allowPending: boolean): Promise<void> {
    const agentId = header(request, AGENT_HEADERS.agent);
    const timestamp = header(request, AGENT_HEADERS.timestamp);
    const nonce = header(request, AGENT_HEADERS.nonce);
    const signature = header(request, AGENT_HEADERS.signature);
    if (!agentId || !timestamp || !nonce || !signature) {
      throw unauthenticated(
        'Agent requests must be signed: send X-Estate-Agent, X-Estate-Timestamp, X-Estate-Nonce and X-Estate-Signature.',
      );
    }
    if (!AGENT_ID.test(agentId) || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) {
      throw unauthenticated('The agent signature headers are malformed.');
    }
    const now = Date.now();
    if (Math.abs(now - Number(timestamp)) > AGENT_CLOCK_SKEW_MS) {
      throw unauthenticated(
        `The request was signed at ${timestamp}, more than ${AGENT_CLOCK_SKEW_MS / 60_000} minutes from the server's clock (${now}); fix the host's clock.`,
        AgentProblemType.clockSkew,
      );
    }
    const agent = await this.agents.byId(agentId);
    const payload = agentSigningPayload({
      method: request.method,
      path: request.url,
      timestamp,
      nonce,
      bodySha256: sha256Hex(request.rawBody ?? EMPTY),
    });
    // An unknown agent and a wrong signature answer alike, so the answer does not tell which agent ids exist.
    if (!agent || !verify(null, Buffer.from(payload, 'utf8'), this.publicKey(agent), Buffer.from(signature, 'base64url'))) {
      throw unauthenticated('The agent is unknown or the signature does not verify.');
    }
    if (agent.status === 'revoked') {
      throw new HttpProblem(
        403,
        AgentProblemType.agentRevoked,
        'Agent revoked',
        'This agent was revoked; enroll it again with a new token.',
      );
    }
    const fresh = await this.agents.db.transaction().execute(async (trx) => {
      if (!(await this.agents.claimNonce(trx, agent.id, nonce, Number(timestamp) + AGENT_CLOCK_SKEW_MS))) return false;
      await this.agents.touch(trx, agent.id, now, request.ip);
      // Only an agent read as offline costs a statement more: the conditional update publishes its coming online once.
      if (agent.status === 'active' && Number(agent.online) !== 1) {
        const flipped = await this.agents.markOnline(trx, agent.id);
        if (flipped) await publishEvent(trx, 'agent.online', { agentId: agent.id, ciId: flipped.ci_id, lastSeenAt: now });
      }
      return true;
    });
    if (!fresh) {
      throw unauthenticated(
        'This request was already received (its nonce was used before): sign every request afresh.',
        AgentProblemType.replay,
      );
    }
    if (agent.status === 'pending' && !allowPending) {
      throw new HttpProblem(
        403,
        AgentProblemType.agentPending,
        'Agent awaiting approval',
        'An administrator must approve this agent before it may report.',
      );
    }
    this.verified.set(request, { ...agent, last_seen_at: now, last_address: request.ip });
    request.agentId = agent.id;
  }

  private publicKey(agent: AgentSummaryRow): KeyObject {
    let key = this.keys.get(agent.key_fingerprint);
    if (!key) {
      key = createPublicKey(agent.public_key);
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(agent.key_fingerprint, key);
    }
    return key;
  }

  private async signAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    let body: Buffer;
    if (payload === null || payload === undefined) body = EMPTY;
    else if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
    else if (Buffer.isBuffer(payload)) body = payload;
    else return payload; // a stream: these routes never answer one
    const sent = header(request, AGENT_HEADERS.nonce);
    const nonce = sent !== undefined && NONCE.test(sent) ? sent : '';
    const key = await this.identity.get();
    reply.header(
      AGENT_HEADERS.serverSignature,
      key.sign(serverSigningPayload({ nonce, status: reply.statusCode, bodySha256: sha256Hex(body) })),
    );
    return payload;
  }
}
