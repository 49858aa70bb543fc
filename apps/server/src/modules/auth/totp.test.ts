import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchTotp, totpAt } from './totp';

// RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; the RFC lists 8-digit codes, we use the last 6.
const SECRET = base32Encode(Buffer.from('12345678901234567890'));
const VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

describe('TOTP', () => {
  it.each(VECTORS)('matches RFC 6238 at t=%i', (seconds, code) => {
    expect(totpAt(SECRET, Math.floor(seconds / 30))).toBe(code);
  });

  it('round-trips base32', () => {
    const buf = Buffer.from([0, 1, 2, 250, 255, 17, 99]);
    expect(base32Decode(base32Encode(buf))).toEqual(buf);
  });

  it('accepts one step of drift and refuses steps already used', () => {
    const now = 1111111111 * 1000;
    const step = Math.floor(now / 30000);
    expect(matchTotp(SECRET, totpAt(SECRET, step - 1), null, now)).toBe(step - 1);
    expect(matchTotp(SECRET, totpAt(SECRET, step - 2), null, now)).toBeNull();
    expect(matchTotp(SECRET, totpAt(SECRET, step), step, now)).toBeNull();
  });

  it('refuses codes of the wrong length or with extra characters rather than throwing', () => {
    const now = 1111111111 * 1000;
    const code = totpAt(SECRET, Math.floor(now / 30000));
    for (const sent of ['', code.slice(1), `${code}0`, ` ${code}`, `${code}\u0000`]) {
      expect(matchTotp(SECRET, sent, null, now), JSON.stringify(sent)).toBeNull();
    }
  });
});
