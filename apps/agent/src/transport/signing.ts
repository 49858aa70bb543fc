import { createHash, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { AGENT_HEADERS, agentSigningPayload, serverSigningPayload } from '@estate/contract';

/** SHA-256 (hex) of raw bytes, as the signing payloads carry a body. */
export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fresh nonce: 18 random bytes, base64url (the protocol asks for 16 or more). */
export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** What one signed request is: who sends it, what it asks, and its exact body bytes (empty for a GET). */
export interface SignableRequest {
  agentId: string;
  method: string;
  /** Path with query string, exactly as sent, e.g. `/api/v1/agent/config`. */
  path: string;
  body: Buffer;
  /** Sent on POSTs: the same for every retry of one record. */
  idempotencyKey?: string;
}

/**
 * The headers of one signed agent request (agent-protocol.ts), with a fresh timestamp and nonce on every call, so
 * a retry is a new request to the replay check and the same record to the idempotency check.
 */
export function signRequest(
  request: SignableRequest,
  privateKey: KeyObject,
  now = Date.now(),
  nonce = newNonce(),
): { headers: Record<string, string>; nonce: string } {
  const timestamp = String(now);
  const payload = agentSigningPayload({
    method: request.method,
    path: request.path,
    timestamp,
    nonce,
    bodySha256: sha256Hex(request.body),
  });
  const headers: Record<string, string> = {
    [AGENT_HEADERS.agent]: request.agentId,
    [AGENT_HEADERS.timestamp]: timestamp,
    [AGENT_HEADERS.nonce]: nonce,
    [AGENT_HEADERS.signature]: sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64url'),
  };
  if (request.idempotencyKey) headers[AGENT_HEADERS.idempotencyKey] = request.idempotencyKey;
  return { headers, nonce };
}

/**
 * True when `signature` (the answer's X-Estate-Server-Signature) is the pinned server key's signature over this
 * answer to the request that carried `nonce`. A missing or malformed signature is simply false.
 */
export function verifyServerAnswer(
  serverKey: KeyObject,
  answer: { nonce: string; status: number; body: Buffer; signature: string | undefined },
): boolean {
  if (!answer.signature || !/^[A-Za-z0-9_-]+$/.test(answer.signature)) return false;
  const payload = serverSigningPayload({ nonce: answer.nonce, status: answer.status, bodySha256: sha256Hex(answer.body) });
  try {
    return verify(null, Buffer.from(payload, 'utf8'), serverKey, Buffer.from(answer.signature, 'base64url'));
  } catch {
    return false;
  }
}
