import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files';

/**
 * Encrypts secrets at rest (TOTP seeds now; device credentials later) with AES-256-GCM under a key kept in a file
 * outside the database, so a stolen database dump alone reveals no secret. Ciphertexts are `v1.<iv>.<tag>.<data>`
 * in base64url; `associatedData` binds a ciphertext to its row so it cannot be swapped into another.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /**
   * Loads the key file, creating it (mode 0600, in a 0700 directory when that is created too, whatever the umask)
   * with 32 random bytes when it does not exist, and setting an existing one to 0600.
   */
  static fromKeyFile(file: string): SecretBox {
    if (!existsSync(file)) {
      makePrivateDir(path.dirname(path.resolve(file)));
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`The secret key file ${file} must hold 32 base64-encoded bytes.`);
    try {
      chmodSync(file, PRIVATE_FILE_MODE);
    } catch {
      // Read-only mounts are fine: the key is still only read.
    }
    return new SecretBox(key);
  }

  /** A box with a given key, for tests. */
  static fromKey(key: Buffer): SecretBox {
    return new SecretBox(key);
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  /**
   * A 32-byte key for one purpose (say, signing cookies), derived from the box's key with HKDF-SHA256: as secret as
   * the key file, stable across restarts, and unrelated to the key of any other purpose.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `estate:${purpose}`, 32));
  }

  /** Throws when the ciphertext was tampered with, or belongs to another row. */
  decrypt(ciphertext: string, associatedData: string): string {
    const [version, iv, tag, data] = ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Unrecognised secret format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/**
 * A random token of `bytes` bytes, base64url, that never starts with `-`: people paste tokens as command-line
 * arguments, where a leading dash reads as an option. A draw that would start with one is drawn again (1 in 64), so
 * the first character is uniform over the other 63 and the rest keep their full entropy.
 */
export function randomToken(bytes = 32, random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const token = random(bytes).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

/** SHA-256 hex of a high-entropy secret (session ids, API tokens): fast lookups, nothing reversible stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Whether two strings are equal, in a time that depends on neither where they first differ nor whether their
 * lengths match: for comparing a secret someone sent (a CSRF token, a one-time code) with the one expected.
 */
export function safeEqual(a: string, b: string): boolean {
  // Both sides are hashed to 32 bytes first, so timingSafeEqual always runs (it throws on unequal lengths) and a
  // length mismatch returns no sooner than a late differing byte; equal SHA-256 digests mean equal strings.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
