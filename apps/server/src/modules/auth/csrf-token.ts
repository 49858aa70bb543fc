import { createHmac } from 'node:crypto';

/**
 * The CSRF token of a session: an HMAC keyed by the session's own token. The server recomputes it from the cookie
 * on each request, so it is never stored, and the sessions table (which holds only the SHA-256 of the session
 * token) and its backups cannot yield it. Deterministic: the same session always has the same CSRF token.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('estate csrf token v1').digest('base64url');
}
