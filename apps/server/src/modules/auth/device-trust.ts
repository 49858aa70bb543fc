import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../platform/crypto/secret-box';

/** The cookie that marks a browser as one an account signed in from before. */
export const DEVICE_COOKIE = 'estate_device';
/** How long a device stays trusted after its last successful sign-in. */
export const DEVICE_TRUST_MS = 180 * 86_400_000;

/**
 * Devices an account signed in from before, after OWASP's "device cookies": each successful sign-in hands the
 * browser a cookie naming the account, when it was issued and a random device id, signed with a key derived from
 * the secret key file (so a copy of the database cannot forge one). A sign-in that presents a valid cookie for the
 * account it tries is throttled on that device's own failures only, so an attacker elsewhere, even behind the same
 * address, cannot lock the account's owner out of a browser they used before. Stateless: nothing is stored.
 */
export class DeviceTrust {
  constructor(
    private readonly key: Buffer,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A fresh cookie value for a browser that `userId` has just signed in from. */
  issue(userId: string): string {
    const body = [userId, this.clock().toString(36), randomBytes(16).toString('base64url')].join('.');
    return `${body}.${this.sign(body)}`;
  }

  /** The device id of a genuine, unexpired cookie, whichever account it names; null for anything else. */
  deviceOf(value: string | undefined): string | null {
    return this.read(value)?.device ?? null;
  }

  /** The device id when `value` is a genuine, unexpired cookie of `userId`; null otherwise. */
  deviceFor(value: string | undefined, userId: string): string | null {
    const cookie = this.read(value);
    return cookie && cookie.userId === userId ? cookie.device : null;
  }

  private read(value: string | undefined): { userId: string; device: string } | null {
    if (!value || value.length > 300) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [userId, issued, device, mac] = parts as [string, string, string, string];
    if (!safeEqual(mac, this.sign(`${userId}.${issued}.${device}`))) return null;
    const issuedAt = Number.parseInt(issued, 36);
    if (!Number.isFinite(issuedAt) || issuedAt + DEVICE_TRUST_MS <= this.clock()) return null;
    return { userId, device };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
