import type { EstateClient } from '@estate/client';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every token query; invalidate it after creating or revoking a token. */
export const TOKENS_QUERY_KEY = ['tokens'] as const;

/** The signed-in user's own API tokens, 50 per page, optionally with the revoked ones. */
export function ownTokensQuery(api: EstateClient, includeRevoked: boolean) {
  return pagedQuery({
    queryKey: [...TOKENS_QUERY_KEY, 'own', { includeRevoked }] as const,
    fetchPage: (cursor) => api.listTokens({ includeRevoked, limit: 50, cursor }),
  });
}
