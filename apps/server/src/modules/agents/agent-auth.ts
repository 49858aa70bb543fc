import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { Transform } from 'node:stream';
import {
  AGENT_CLOCK_SKEW_MS,
  AGENT_HEADERS,
  AgentProblemType,
  agentSigningPayload,
  ProblemType,
  serverSigningPayload,
} from '@estate/contract';
import type { FastifyReply, FastifyRequest, RequestPayload, RouteShorthandOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { publishEvent } from '../../platform/events';
import { HttpProblem } from '../../platform/http/problem';
import type { AgentRepository, AgentSummaryRow } from './agent.repository';
import { isLargeBody, LargeBodyGate } from './large-body-gate';
import type { ServerIdentity } from './server-identity';

const AGENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{1,15}$/;

/**
 * Records that an agent's host CI was seen at `at` (epoch ms), inside the caller's transaction over the shared store:
 * the inventory's `markSeen`, so the CI's "last seen" and the agent's are the same time.
 */
// biome-ignore lint/suspicious/noExplicitAny: the caller's transaction over the shared store.
export type HostSeen = (trx: Kysely<any>, ciId: string, at: number) => Promise<void>;
/** 16 to 96 random bytes in base64url. */
const NONCE = /^[A-Za-z0-9_-]{22,128}$/;
/** An Ed25519 signature: 64 bytes, 86 base64url characters (padding tolerated). */
const SIGNATURE = /^[A-Za-z0-9_-]{86}(==)?$/;
const EMPTY = Buffer.alloc(0);
const EMPTY_SHA256 = createHash('sha256').update(EMPTY).digest('hex');
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

/** The signature headers of an agent request, well-formed. */
interface SignedHeaders {
  agentId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** A request whose headers passed, before its body is read: the agent they name, and whether the signature held. */
interface Admitted {
  agent: AgentSummaryRow;
  signed: SignedHeaders;
  signatureVerified: boolean;
}

/** The request's signature headers, present, well-formed and signed within the allowed clock skew; else a 401. */
function signedHeaders(request: FastifyRequest): SignedHeaders {
  const agentId = header(request, AGENT_HEADERS.agent);
  const timestamp = header(request, AGENT_HEADERS.timestamp);
  const nonce = header(request, AGENT_HEADERS.nonce);
  const signature = header(request, AGENT_HEADERS.signature);
  if (!agentId || !timestamp || !nonce || !signature) {
    throw unauthenticated('Agent requests must be signed: send X-Estate-Agent, X-Estate-Timestamp, X-Estate-Nonce and X-Estate-Signature.');
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
  return { agentId, timestamp, nonce, signature };
}

/**
 * Authenticates host agents and signs the answers they get. An agent request carries its id, a timestamp, a
 * nonce and an Ed25519 signature over `agentSigningPayload` (method, path with query, timestamp, nonce, SHA-256 of
 * the raw body bytes). Before a byte of the body is read, the headers must be well-formed, the timestamp within
 * the allowed clock skew and the agent known and not revoked (nor pending, except on the one route that tells a
 * pending agent to wait); a large body must also pass the `LargeBodyGate`. The body is hashed as it streams in and
 * the signature checked when it ends, before it is parsed; then the nonce must be new for the agent (else a
 * replay). An accepted request from an active agent recorded offline records it online and publishes
 * `agent.online`, in the transaction that records the visit. The agent row is read on every request, so a
 * revocation takes effect on the very next one. Every answer on these routes, errors included, carries
 * `X-Estate-Server-Signature` by the server's identity key, bound to the request's nonce.
 */
export class AgentAuthenticator {
  private readonly admitted = new WeakMap<FastifyRequest, Admitted>();
  private readonly verified = new WeakMap<FastifyRequest, AgentSummaryRow>();
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly agents: AgentRepository,
    private readonly identity: ServerIdentity,
    private readonly gate: LargeBodyGate = new LargeBodyGate(),
    /** Records on the agent's host CI that it was seen, with the time stored as the agent's own last contact. */
    private readonly hostSeen: HostSeen = async () => undefined,
  ) {}

  /**
   * Route options for an agent route: the `agent` access flag, the hooks that check the headers before the body,
   * the signature as the body streams in and the nonce before the handler, and the answer signer. `allowPending`
   * lets a pending agent through (only `GET /agent/config`, which tells it to wait).
   */
  routeOptions(options: { allowPending?: boolean } = {}): Pick<
    RouteShorthandOptions,
    'onRequest' | 'preParsing' | 'preValidation' | 'onSend'
  > & {
    config: { agent: true };
  } {
    return {
      config: { agent: true },
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => this.admit(request, reply, options.allowPending === true),
      preParsing: async (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload) => this.hashBody(request, reply, payload),
      preValidation: async (request: FastifyRequest) => this.verify(request),
      onSend: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => this.signAnswer(request, reply, payload),
    };
  }

  /** Large bodies being read now, past the `LargeBodyGate`. */
  get largeBodiesInFlight(): number {
    return this.gate.inFlight;
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

  /** Everything that can be checked from the headers, so a request refused here never has its body read. */
  private async admit(request: FastifyRequest, reply: FastifyReply, allowPending: boolean): Promise<void> {
    const signed = signedHeaders(request);
    const agent = await this.agents.byId(signed.agentId);
    if (!agent) throw unauthenticated('The agent is unknown or the signature does not verify.');
    if (agent.status === 'revoked') {
      throw new HttpProblem(
        403,
        AgentProblemType.agentRevoked,
        'Agent revoked',
        'This agent was revoked; enroll it again with a new token.',
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
    if (Number(request.headers['content-length']) > request.routeOptions.bodyLimit) {
      throw new HttpProblem(413, ProblemType.payloadTooLarge, 'Payload too large', 'The request body is larger than the server accepts.');
    }
    if (isLargeBody(request.headers)) reply.raw.once('close', this.gate.enter(agent.id, request.ip));
    this.admitted.set(request, { agent, signed, signatureVerified: false });
  }

  /** Hands the body on as it arrives, hashing it; at its end the signature must verify, or it is never parsed. */
  private hashBody(request: FastifyRequest, reply: FastifyReply, payload: RequestPayload): RequestPayload {
    const admitted = this.admitted.get(request);
    if (!admitted || request.method === 'GET' || request.method === 'HEAD') return payload;
    const hash = createHash('sha256');
    const verifier = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
      flush: (done) => {
        try {
          this.checkSignature(request, admitted, hash.digest('hex'));
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    });
    // Fastify listens for errors while it reads the body; one after it stopped reading must not crash the process.
    verifier.on('error', () => undefined);
    payload.on('error', (err) => verifier.destroy(err));
    payload.pipe(verifier);
    // A body Fastify stopped reading (too large, or of a type it does not parse) is drained, so the connection can
    // carry the next request.
    reply.raw.once('finish', () => {
      if (payload.readableEnded) return;
      payload.unpipe(verifier);
      payload.resume();
    });
    return verifier;
  }

  private checkSignature(request: FastifyRequest, admitted: Admitted, bodySha256: string): void {
    const { agent, signed } = admitted;
    const payload = agentSigningPayload({
      method: request.method,
      path: request.url,
      timestamp: signed.timestamp,
      nonce: signed.nonce,
      bodySha256,
    });
    // Answered as an unknown agent is, so the answer does not tell which agent ids exist.
    if (!verify(null, Buffer.from(payload, 'utf8'), this.publicKey(agent), Buffer.from(signed.signature, 'base64url'))) {
      throw unauthenticated('The agent is unknown or the signature does not verify.');
    }
    admitted.signatureVerified = true;
  }

  private async verify(request: FastifyRequest): Promise<void> {
    const admitted = this.admitted.get(request);
    if (!admitted) throw unauthenticated('The request is not signed by an enrolled agent.');
    // A request without a body had nothing to hash as it was read: it signed the hash of no bytes.
    if (!admitted.signatureVerified) this.checkSignature(request, admitted, EMPTY_SHA256);
    const { agent, signed } = admitted;
    const now = Date.now();
    const fresh = await this.agents.db.transaction().execute(async (trx) => {
      if (!(await this.agents.claimNonce(trx, agent.id, signed.nonce, Number(signed.timestamp) + AGENT_CLOCK_SKEW_MS))) return false;
      await this.agents.touch(trx, agent.id, now, request.ip);
      // The host CI's "last seen" is the agent's last contact: one time, written in the same transaction.
      if (agent.ci_id !== null && agent.status === 'active') await this.hostSeen(trx, agent.ci_id, now);
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
