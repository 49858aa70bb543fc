import type { ChangeFeed } from '../../platform/db/change-feed';
import type { SessionRepository } from './session.repository';
import type { TokenRepository } from './token.repository';

/** Most credentials kept; past it the least recently resolved goes first. */
const MAX_ENTRIES = 10_000;
/** An entry is re-read from the store at least this often, whatever the feed says. */
const MAX_AGE_MS = 60_000;

/** The channel the migration 0011 triggers notify on, with a user's id (or `*` for everything). */
export const AUTH_CHANNEL = 'estate_auth';

/** What the auth services tell the cache after they commit a change to a user or one of their credentials. */
export interface CredentialChanges {
  userChanged(userId: string): void;
}

interface Entry<Row> {
  row: Row;
  userId: string;
  at: number;
}

/**
 * Resolved sessions and API tokens, by the hash of their secret, so an authenticated request on PostgreSQL costs no
 * round trip for its caller (ADR 0012). Only rows that exist are kept (an unknown secret always goes to the store).
 *
 * Correctness rests on the change feed: the cache answers only while the feed is live; a change notified for a user
 * drops that user's entries; a feed reset drops everything. A lookup that was in flight when any change arrived is
 * not kept, so a row read before a change cannot outlive it. Changes made in this process are also applied at once
 * through {@link userChanged}, without waiting for the notification's round trip.
 *
 * Expiry and idle time are still checked by the caller against the row on every request.
 */
export class CredentialCache<Row extends { user_id: string }> implements CredentialChanges {
  private readonly entries = new Map<string, Entry<Row>>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;

  constructor(
    private readonly feed: Pick<ChangeFeed, 'live'>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Subscribes a cache to a feed's auth channel; returns the cache. */
  static listening<Row extends { user_id: string }>(feed: ChangeFeed): CredentialCache<Row> {
    const cache = new CredentialCache<Row>(feed);
    feed.subscribe(AUTH_CHANNEL, {
      message: (payload) => (payload === '*' ? cache.clear() : cache.userChanged(payload)),
      reset: () => cache.clear(),
    });
    return cache;
  }

  /** The row for `key`, from memory when the feed vouches for it, otherwise from `load` (kept when still safe). */
  async get(key: string, load: () => Promise<Row | undefined>): Promise<Row | undefined> {
    if (!this.feed.live) return load();
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < MAX_AGE_MS) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.row;
    }
    const generation = this.generation;
    const row = await load();
    if (row && generation === this.generation && this.feed.live) this.put(key, row, now);
    return row;
  }

  /** Drops every entry of a user (a change to them or to one of their credentials). */
  userChanged(userId: string): void {
    this.generation += 1;
    const keys = this.byUser.get(userId);
    if (!keys) return;
    for (const key of keys) this.entries.delete(key);
    this.byUser.delete(userId);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.byUser.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private put(key: string, row: Row, now: number): void {
    this.remove(key);
    this.entries.set(key, { row, userId: row.user_id, at: now });
    const keys = this.byUser.get(row.user_id);
    if (keys) keys.add(key);
    else this.byUser.set(row.user_id, new Set([key]));
    if (this.entries.size > MAX_ENTRIES) this.remove(this.entries.keys().next().value as string);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.byUser.get(entry.userId);
    keys?.delete(key);
    if (keys?.size === 0) this.byUser.delete(entry.userId);
  }
}

type TokenLookup = NonNullable<Awaited<ReturnType<TokenRepository['byHash']>>>;
type SessionLookup = NonNullable<Awaited<ReturnType<SessionRepository['byTokenHash']>>>;

/** Where resolved credentials are kept between requests (ADR 0012); uncached unless a change feed vouches for them. */
export interface CredentialCaches extends CredentialChanges {
  tokens: CredentialCache<TokenLookup>;
  sessions: CredentialCache<SessionLookup>;
}

/** The caches for a store: listening on its change feed (PostgreSQL), or pass-through (SQLite: one process). */
export function credentialCaches(feed: ChangeFeed | undefined): CredentialCaches {
  const tokens = feed ? CredentialCache.listening<TokenLookup>(feed) : new CredentialCache<TokenLookup>({ live: false });
  const sessions = feed ? CredentialCache.listening<SessionLookup>(feed) : new CredentialCache<SessionLookup>({ live: false });
  return {
    tokens,
    sessions,
    userChanged(userId) {
      tokens.userChanged(userId);
      sessions.userChanged(userId);
    },
  };
}
