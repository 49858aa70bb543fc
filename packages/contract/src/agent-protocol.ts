/*
 * The wire rules between an agent and the server, shared by both sides as pure functions (no I/O, no crypto
 * library): which headers a signed request carries, what exactly is signed, and how an inventory delta applies.
 *
 * A signed agent request carries:
 *   X-Estate-Agent       the agent id
 *   X-Estate-Timestamp   epoch ms when it was signed; the server refuses a skew over AGENT_CLOCK_SKEW_MS
 *   X-Estate-Nonce       16+ random bytes, base64url; the server refuses a nonce it has seen (a replay)
 *   X-Estate-Signature   base64url Ed25519 signature of agentSigningPayload(...) by the agent's private key
 *   Idempotency-Key      on POSTs: the same for every retry of one record, so a retry is answered, not redone
 * Each retry is signed afresh (new timestamp and nonce) with the same Idempotency-Key; a captured request sent
 * again is a replay and is refused, a retried one is recognised and answered with the first answer.
 *
 * Every server answer to a signed request (errors included) carries X-Estate-Server-Signature: the base64url
 * Ed25519 signature of serverSigningPayload(...) by the server's identity key, which the agent pinned at enrollment.
 */

import { canonicalJson } from './canonical-json';

export const AGENT_HEADERS = {
  agent: 'x-estate-agent',
  timestamp: 'x-estate-timestamp',
  nonce: 'x-estate-nonce',
  signature: 'x-estate-signature',
  idempotencyKey: 'idempotency-key',
  serverSignature: 'x-estate-server-signature',
} as const;

/** How far an agent's signing clock may be from the server's, either way. */
export const AGENT_CLOCK_SKEW_MS = 5 * 60_000;

/** The text an agent signs: method, path with query, timestamp, nonce and the body's SHA-256 (hex, of the raw bytes). */
export function agentSigningPayload(r: { method: string; path: string; timestamp: string; nonce: string; bodySha256: string }): string {
  return ['ESTATE-AGENT-V1', r.method.toUpperCase(), r.path, r.timestamp, r.nonce, r.bodySha256].join('\n');
}

/** The text the server signs in answer: the request's nonce (binding answer to request), status and body SHA-256. */
export function serverSigningPayload(r: { nonce: string; status: number; bodySha256: string }): string {
  return ['ESTATE-SERVER-V1', r.nonce, String(r.status), r.bodySha256].join('\n');
}

/**
 * Applies a JSON merge patch (RFC 7386) and returns a new value; `target` is not changed. A null member deletes,
 * an object member merges recursively, anything else replaces.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (key === '__proto__') continue;
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * The merge patch that turns `before` into `after` (both plain JSON objects), or undefined when they are equal.
 * Arrays are replaced whole.
 */
export function mergePatchBetween(before: unknown, after: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return canonicalJson(before) === canonicalJson(after) ? undefined : after;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) patch[key] = value;
    else {
      const sub = mergePatchBetween(before[key], value);
      if (sub !== undefined) patch[key] = sub;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
