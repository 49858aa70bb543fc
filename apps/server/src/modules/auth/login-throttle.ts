import type { Kysely } from 'kysely';
import type { AuthTables } from './auth.tables';

/** Limits per key kind: failures allowed in the window before a lock, and the longest lock. */
const POLICY = {
  account: { free: 5, windowMs: 15 * 60_000, maxLockMs: 15 * 60_000 },
  ip: { free: 20, windowMs: 15 * 60_000, maxLockMs: 15 * 60_000 },
} as const;
const BASE_LOCK_MS = 30_000;

/**
 * Login throttling per account and per source IP, kept in the database so every API process shares it. After the
 * free failures, each further failure locks the key for twice as long as the last (30 s, 1 min, … up to 15 min).
 * Unknown accounts are throttled exactly like real ones, so lock-outs reveal nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly clock: () => number = Date.now,
  ) {}

  private keys(email: string, ip: string) {
    return [
      { key: `account:${email.toLowerCase()}`, policy: POLICY.account },
      { key: `ip:${ip}`, policy: POLICY.ip },
    ];
  }

  /** Seconds to wait before another attempt is allowed, or 0. */
  async retryAfterSeconds(email: string, ip: string, now = this.clock()): Promise<number> {
    const keys = this.keys(email, ip).map((k) => k.key);
    const rows = await this.db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute();
    const until = Math.max(0, ...rows.map((r) => Number(r.locked_until ?? 0)));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  async recordFailure(email: string, ip: string, now = this.clock()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { key, policy } of this.keys(email, ip)) {
        const row = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
        const fresh = !row || Number(row.window_start) <= now - policy.windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        const over = failures - policy.free;
        const lockedUntil = over > 0 ? now + Math.min(policy.maxLockMs, BASE_LOCK_MS * 2 ** (over - 1)) : null;
        const values = { key, failures, window_start: fresh ? now : Number(row.window_start), locked_until: lockedUntil };
        if (row) await trx.updateTable('login_throttle').set(values).where('key', '=', key).execute();
        else await trx.insertInto('login_throttle').values(values).execute();
      }
    });
  }

  /** A successful login clears the account's count (the IP's stays: one good password does not excuse a spray). */
  async recordSuccess(email: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', `account:${email.toLowerCase()}`).execute();
  }
}
