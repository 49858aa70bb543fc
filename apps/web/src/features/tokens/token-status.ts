import type { ApiToken } from '@estate/contract';

/** Whether a token still works: revoked and expired tokens are refused by the server. */
export type TokenStatus = 'active' | 'expired' | 'revoked';

/** The status of a token at `now` (epoch milliseconds). */
export function tokenStatus(token: ApiToken, now = Date.now()): TokenStatus {
  if (token.revokedAt !== null) return 'revoked';
  return token.expiresAt <= now ? 'expired' : 'active';
}

/** Badge colour of each status. */
export const TOKEN_STATUS_COLORS: Record<TokenStatus, string> = { active: 'teal', expired: 'orange', revoked: 'gray' };
