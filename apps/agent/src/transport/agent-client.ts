import { AGENT_HEADERS } from '@estate/contract';
import type { AgentIdentity } from '../identity';
import { parseJsonBody, sendRaw } from './agent-http';
import { signRequest, verifyServerAnswer } from './signing';

/**
 * The server's answer could not be verified against the pinned key (missing or wrong X-Estate-Server-Signature):
 * it is treated as if the server had not answered at all. Nothing is acknowledged on such an answer.
 */
export class ServerNotTrustedError extends Error {
  override readonly name = 'ServerNotTrustedError';
}

/** A verified answer of the server. */
export interface AgentAnswer<T> {
  status: number;
  /** Parsed JSON body; undefined when empty. */
  body: T | undefined;
  /** The problem `type` of an error answer, when it was problem+json. */
  problemType: string | undefined;
  /** From `Retry-After` (seconds) of a 429 or 503, in ms. */
  retryAfterMs: number | undefined;
}

/** Sends signed requests for one agent and verifies every answer against the server key it pinned. */
export interface AgentClient {
  /**
   * Sends one request, signed afresh (new timestamp and nonce) on every call. Resolves with the answer whatever
   * its status, once its signature verified; rejects with ServerNotTrustedError when it did not, and with the
   * network error when there was no answer.
   */
  send<T>(method: 'GET' | 'POST', path: string, options?: { body?: unknown; idempotencyKey?: string }): Promise<AgentAnswer<T>>;
}

/** Options of `createAgentClient`. */
export interface AgentClientOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Clock of the signatures, for tests. */
  now?: () => number;
}

/** Creates the signed client of an enrolled agent. */
export function createAgentClient(
  identity: Pick<AgentIdentity, 'agentId' | 'serverUrl' | 'privateKey' | 'serverPublicKey'>,
  options: AgentClientOptions = {},
): AgentClient {
  const base = new URL(identity.serverUrl);
  const now = options.now ?? Date.now;
  return {
    async send<T>(method: 'GET' | 'POST', path: string, request: { body?: unknown; idempotencyKey?: string } = {}) {
      const url = new URL(path, base);
      const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(request.body), 'utf8');
      const signed = signRequest(
        {
          agentId: identity.agentId,
          method,
          path: `${url.pathname}${url.search}`,
          body,
          ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
        },
        identity.privateKey,
        now(),
      );
      const headers = { ...signed.headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) };
      const answer = await sendRaw(url, method, headers, body, options.timeoutMs);
      const signature = answer.headers[AGENT_HEADERS.serverSignature];
      const trusted = verifyServerAnswer(identity.serverPublicKey, {
        nonce: signed.nonce,
        status: answer.status,
        body: answer.body,
        signature: Array.isArray(signature) ? signature[0] : signature,
      });
      if (!trusted)
        throw new ServerNotTrustedError(
          `${method} ${url.pathname} answered ${answer.status} without a valid signature of the pinned server key: not trusted.`,
        );
      const parsed = parseJsonBody(answer.body);
      const problemType =
        answer.status >= 400 && parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string'
          ? (parsed as { type: string }).type
          : undefined;
      const retryAfter = Number(answer.headers['retry-after']);
      return {
        status: answer.status,
        body: parsed as T | undefined,
        problemType,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
      };
    },
  };
}
