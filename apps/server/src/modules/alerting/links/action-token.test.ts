import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { ActionTokens, LINK_KEY_PURPOSE } from './action-token';

const box = SecretBox.fromKey(Buffer.alloc(32, 7));
const tokens = new ActionTokens(box.deriveKey(LINK_KEY_PURPOSE));
const T0 = Date.UTC(2026, 11, 5, 1, 0);
const DAY = 86_400_000;

describe('signed action tokens', () => {
  it('verifies a minted token and reads back its claims, with a fresh nonce each time', () => {
    const token = tokens.mint('acknowledge', 'incident-1', T0, DAY);
    const verdict = tokens.verify(token, T0 + 1000, 'acknowledge');
    expect(verdict).toMatchObject({
      ok: true,
      claims: { action: 'acknowledge', incidentKey: 'incident-1', issuedAt: T0, expiresAt: T0 + DAY },
    });
    const other = tokens.mint('acknowledge', 'incident-1', T0, DAY);
    expect(other).not.toBe(token);
    expect(tokens.verify(other, T0, 'acknowledge').ok).toBe(true);
  });

  it('refuses a tampered payload, a tampered signature, and a token of another key', () => {
    const token = tokens.mint('acknowledge', 'incident-1', T0, DAY);
    const [payload, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'resolve', exp: T0 + 365 * DAY })).toString('base64url');
    expect(tokens.verify(`${forged}.${mac}`, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
    expect(tokens.verify(`${payload}.${flipped}`, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    const stranger = new ActionTokens(SecretBox.fromKey(Buffer.alloc(32, 8)).deriveKey(LINK_KEY_PURPOSE));
    expect(tokens.verify(stranger.mint('acknowledge', 'incident-1', T0, DAY), T0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(tokens.verify('not-a-token', T0)).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify(`${payload}.${mac}.x`, T0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('does not sign with the raw key: a MAC under the secret key itself does not verify', () => {
    const raw = new ActionTokens(Buffer.alloc(32, 7));
    expect(tokens.verify(raw.mint('acknowledge', 'k', T0, DAY), T0)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('answers expired at and after the expiry, not a moment before', () => {
    const token = tokens.mint('acknowledge', 'incident-1', T0, DAY);
    expect(tokens.verify(token, T0 + DAY - 1).ok).toBe(true);
    expect(tokens.verify(token, T0 + DAY)).toMatchObject({ ok: false, reason: 'expired', claims: { incidentKey: 'incident-1' } });
  });

  it('refuses a token used for another action than its own', () => {
    const token = tokens.mint('acknowledge', 'incident-1', T0, DAY);
    expect(tokens.verify(token, T0, 'resolve')).toMatchObject({ ok: false, reason: 'wrong-action', claims: { action: 'acknowledge' } });
    expect(tokens.verify(tokens.mint('resolve', 'incident-1', T0, DAY), T0, 'resolve').ok).toBe(true);
  });
});
