/*
 * Signed action links in messages (issue 15): "acknowledge" and "resolve" buttons that work without signing in.
 * A token is `<payload>.<mac>`, both base64url: the payload is JSON {v, a (action), k (incident key), iat, exp, n
 * (nonce)}, the MAC an HMAC-SHA256 over the payload text under a key derived from the server's secret key for this
 * purpose only (never the raw key). A token does one thing (its action) to one incident, until it expires, once:
 * the nonce is stored when the link is used (see action-links.service.ts).
 *
 * A link acts on the incident it was sent for (the receiver's alert group, the dispatcher's incident key), not one
 * alert: a message lists the group's alerts together, and the person who clicks "acknowledge" means all of them.
 * Only the episodes notified in that incident up to the link's minting are acted on, so a later alert of the same
 * group (sent in a later message, with its own link) is not acknowledged by an older link.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../../platform/crypto/secret-box';

export const LINK_ACTIONS = ['acknowledge', 'resolve'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

/** What a valid token says. */
export interface LinkClaims {
  action: LinkAction;
  incidentKey: string;
  /** Minted at (epoch ms). */
  issuedAt: number;
  /** Valid until (epoch ms, exclusive). */
  expiresAt: number;
  nonce: string;
}

/** Why a token is refused; `expired` and `wrong-action` still carry the claims (for a clear answer). */
export type LinkVerdict =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' }
  | { ok: false; reason: 'expired' | 'wrong-action'; claims: LinkClaims };

/** The purpose the signing key is derived for (HKDF info `estate:alerting-action-links`). */
export const LINK_KEY_PURPOSE = 'alerting-action-links';

/** Longest token accepted (a payload with a long incident key stays far below it). */
const MAX_TOKEN_LENGTH = 1_000;

export class ActionTokens {
  /** `key`: 32 bytes derived for {@link LINK_KEY_PURPOSE}, e.g. `secretBox.deriveKey(LINK_KEY_PURPOSE)`. */
  constructor(
    private readonly key: Buffer,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {
    if (key.length < 32) throw new Error('An action-link key has at least 32 bytes.');
  }

  mint(action: LinkAction, incidentKey: string, issuedAt: number, ttlMs: number): string {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, a: action, k: incidentKey, iat: issuedAt, exp: issuedAt + ttlMs, n: this.random(16).toString('base64url') }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** Checks the signature (constant time), then the expiry at `now`, then that the token is for `expected` (if given). */
  verify(token: string, now: number, expected?: LinkAction): LinkVerdict {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
    const [payload, mac] = parts as [string, string];
    if (!safeEqual(mac, this.mac(payload))) return { ok: false, reason: 'bad-signature' };
    const claims = parseClaims(payload);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (now >= claims.expiresAt) return { ok: false, reason: 'expired', claims };
    if (expected !== undefined && claims.action !== expected) return { ok: false, reason: 'wrong-action', claims };
    return { ok: true, claims };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`estate-action-link:${payload}`).digest('base64url');
  }
}

function parseClaims(payload: string): LinkClaims | null {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1 || !LINK_ACTIONS.includes(r.a as LinkAction)) return null;
  if (typeof r.k !== 'string' || typeof r.n !== 'string' || typeof r.iat !== 'number' || typeof r.exp !== 'number') return null;
  return { action: r.a as LinkAction, incidentKey: r.k, issuedAt: r.iat, expiresAt: r.exp, nonce: r.n };
}
