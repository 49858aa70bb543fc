import type { Kysely } from 'kysely';
import type { AuthTables } from './auth.tables';

/** One attempt to prove a password, as the throttle tells attempts apart. */
export interface PasswordAttempt {
  /** The account tried, lower-cased, whether it exists or not. */
  email: string;
  /** The client's address as the server sees it: a reverse proxy's own, unless ESTATE_TRUST_PROXY is on. */
  ip: string;
  /**
   * A client that proved itself before: a browser with a valid device cookie for this account, or a signed-in
   * session re-entering its password. It is throttled on its own failures only; null for anyone else.
   */
  trustedDevice: string | null;
}

interface Limit {
  /** Failures allowed within the window before delays start. */
  free: number;
  windowMs: number;
}

/**
 * The limits per key kind. A trusted device answers for itself alone. Anyone else is held per account and address
 * pair (the tight limit that stops guessing), per account from anywhere (a looser one, against guessing spread over
 * many addresses) and per address over all accounts (the loosest, against spraying one password over many).
 */
const LIMITS = {
  device: { free: 5, windowMs: 15 * 60_000 },
  pair: { free: 5, windowMs: 15 * 60_000 },
  account: { free: 20, windowMs: 15 * 60_000 },
  ip: { free: 100, windowMs: 15 * 60_000 },
} as const satisfies Record<string, Limit>;
/** The first delay past the free failures; each further failure doubles it, up to {@link MAX_DELAY_MS}. */
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;

/**
 * Throttling of password attempts, after OWASP's authentication guidance: past a few free failures each further
 * one makes its keys wait twice as long as the last (1 s, 2 s, 4 s … up to 15 min), answered at once as 429 with
 * Retry-After rather than by holding the request. Nothing is ever locked for good, and a trusted device (see
 * {@link PasswordAttempt.trustedDevice}) is never held back by anybody else's failures, so an attacker cannot lock
 * an account's owner out of a browser they signed in from before. Kept in the database so every API process shares
 * it; unknown accounts are throttled exactly like real ones, so delays reveal nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Kysely<AuthTables>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds to wait before this attempt may be made, or 0. */
  async retryAfterSeconds(attempt: PasswordAttempt): Promise<number> {
    const now = this.clock();
    const keys = keysOf(attempt).map((k) => k.key);
    const rows = await this.db.selectFrom('login_throttle').select('locked_until').where('key', 'in', keys).execute();
    const until = Math.max(0, ...rows.map((r) => Number(r.locked_until ?? 0)));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failed attempt against each of its keys, and makes those past their free failures wait. */
  async recordFailure(attempt: PasswordAttempt): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      for (const { key, limit } of keysOf(attempt)) {
        const row = await trx.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
        const fresh = !row || Number(row.window_start) <= now - limit.windowMs;
        const failures = fresh ? 1 : row.failures + 1;
        const over = failures - limit.free;
        const lockedUntil = over > 0 ? now + delayAfter(over) : null;
        const values = { key, failures, window_start: fresh ? now : Number(row.window_start), locked_until: lockedUntil };
        if (row) await trx.updateTable('login_throttle').set(values).where('key', '=', key).execute();
        else await trx.insertInto('login_throttle').values(values).execute();
      }
    });
  }

  /**
   * A correct password clears the count of the client that gave it (its device, or its account and address pair).
   * The account's and the address's counts stay: one good password does not excuse guessing by others.
   */
  async recordSuccess(attempt: PasswordAttempt): Promise<void> {
    const [own] = keysOf(attempt);
    if (own) await this.db.deleteFrom('login_throttle').where('key', '=', own.key).execute();
  }

  /** Deletes counts whose window is over and that hold nobody back any more; returns how many. */
  async prune(): Promise<number> {
    const now = this.clock();
    const longest = Math.max(...Object.values(LIMITS).map((l) => l.windowMs));
    const result = await this.db
      .deleteFrom('login_throttle')
      .where('window_start', '<=', now - longest)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** The keys an attempt counts against, its own first. */
function keysOf(attempt: PasswordAttempt): Array<{ key: string; limit: Limit }> {
  const email = attempt.email.toLowerCase();
  if (attempt.trustedDevice !== null) return [{ key: `device:${attempt.trustedDevice}`, limit: LIMITS.device }];
  return [
    { key: `pair:${email}|${attempt.ip}`, limit: LIMITS.pair },
    { key: `account:${email}`, limit: LIMITS.account },
    { key: `ip:${attempt.ip}`, limit: LIMITS.ip },
  ];
}

/** How long the `over`-th failure past the free ones makes its key wait. */
function delayAfter(over: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(over - 1, 30));
}
