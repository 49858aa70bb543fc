import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomToken, SecretBox, safeEqual } from './secret-box';

describe('SecretBox', () => {
  it('creates a 0600 key file once and decrypts what it encrypted', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'estate-key-')), 'secret.key');
    const box = SecretBox.fromKeyFile(file);
    const key = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = SecretBox.fromKeyFile(file);
    expect(readFileSync(file, 'utf8')).toBe(key);
    const sealed = box.encrypt('s3cret community', 'snmp:1');
    expect(sealed).not.toContain('s3cret');
    expect(again.decrypt(sealed, 'snmp:1')).toBe('s3cret community');
  });

  it('derives a stable key per purpose, different for each purpose and each box key', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 7));
    expect(box.deriveKey('device-cookie')).toHaveLength(32);
    expect(box.deriveKey('device-cookie').equals(SecretBox.fromKey(Buffer.alloc(32, 7)).deriveKey('device-cookie'))).toBe(true);
    expect(box.deriveKey('device-cookie').equals(box.deriveKey('other'))).toBe(false);
    expect(box.deriveKey('device-cookie').equals(SecretBox.fromKey(Buffer.alloc(32, 8)).deriveKey('device-cookie'))).toBe(false);
    expect(box.deriveKey('device-cookie').equals(Buffer.alloc(32, 7))).toBe(false);
  });

  it('refuses tampered ciphertext and ciphertext moved to another row', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 7));
    const sealed = box.encrypt('value', 'row:1');
    expect(() => box.decrypt(sealed, 'row:2')).toThrow();
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3] as string, 'base64url');
    data[0] = (data[0] as number) ^ 1;
    parts[3] = data.toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'row:1')).toThrow();
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 8)).decrypt(sealed, 'row:1')).toThrow();
  });
});

describe('safeEqual', () => {
  it('is true only for identical strings', () => {
    expect(safeEqual('5f2c-token', '5f2c-token')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('123456', '123457')).toBe(false);
    expect(safeEqual('123456', '023456')).toBe(false);
    expect(safeEqual('Token', 'token')).toBe(false);
    expect(safeEqual('é', 'e\u0301')).toBe(false);
  });

  it('answers false, without throwing, for strings of different lengths', () => {
    expect(safeEqual('123456', '1234567')).toBe(false);
    expect(safeEqual('123456', '')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
    expect(safeEqual('a'.repeat(1000), 'a')).toBe(false);
  });
});

describe('randomToken', () => {
  it('never starts with a dash, so a token pastes as a command-line argument (property over many draws)', () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const token = randomToken(24);
      expect(token.startsWith('-'), token).toBe(false);
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      firsts.add(token[0]!);
    }
    // The other 63 base64url characters all still occur first: only the dash is ruled out.
    expect(firsts.size).toBe(63);
  });

  it('draws again when the bytes would encode a leading dash', () => {
    // 0xf8 encodes to '-' as the first base64url character (index 62).
    const draws = [Buffer.from([0xf8, 1, 2]), Buffer.from([0xf8, 3, 4]), Buffer.from([0x00, 5, 6])];
    const sizes: number[] = [];
    const token = randomToken(3, (size) => {
      sizes.push(size);
      return draws.shift() ?? randomBytes(size);
    });
    expect(Buffer.from([0xf8, 1, 2]).toString('base64url').startsWith('-')).toBe(true);
    expect(token).toBe(Buffer.from([0x00, 5, 6]).toString('base64url'));
    expect(sizes).toEqual([3, 3, 3]);
  });
});
