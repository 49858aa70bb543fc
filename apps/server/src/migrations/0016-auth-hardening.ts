import type { AnyDb, EstateMigration } from './types';

/**
 * Sessions no longer store their CSRF token: it is derived from the session's own token on each request (an HMAC
 * keyed by it), and the store holds only that token's SHA-256, so neither the table nor a backup of it yields a
 * usable CSRF token. Existing sessions stay signed in; their CSRF token changes once, and the web UI reads the new
 * one from `GET /api/v1/me` when it loads.
 */
export const authHardening: EstateMigration = () => ({
  async up(db: AnyDb) {
    await db.schema.alterTable('sessions').dropColumn('csrf_token').execute();
  },
});
