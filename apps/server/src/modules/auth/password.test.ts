import { describe, expect, it } from 'vitest';
import { assertPasswordStrong, commonPasswordCount, hashPassword, verifyPassword } from './password';

describe('password policy', () => {
  it('loads a large common-password list', () => {
    expect(commonPasswordCount()).toBeGreaterThan(10_000);
  });

  it.each(['short', 'password1234', 'qwertyuiop12', 'aaaaaaaaaaaaaaaa', 'iloveyou1234'])('refuses %s', (pw) => {
    expect(() => assertPasswordStrong(pw)).toThrow();
  });

  it('refuses a password containing the email name', () => {
    expect(() => assertPasswordStrong('margaret-was-here-2026', 'margaret@example.org')).toThrow(/email/);
  });

  it('accepts a long passphrase', () => {
    expect(() => assertPasswordStrong('correct horse battery staple 42', 'x@example.org')).not.toThrow();
  });

  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery staple 42');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'correct horse battery staple 42')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery staple 43')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
