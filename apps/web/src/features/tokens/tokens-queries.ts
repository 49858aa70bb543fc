import type { EstateClient } from '@estate/client';
import { infiniteQueryOptions } from '@tanstack/react-query';

/** Prefix of every token query; invalidate it after creating or revoking a token. */
export const TOKENS_QUERY_KEY = ['tokens'] as const;

/** The signed-in user's own API tokens, 50 per page, optionally with the revoked ones. */
export function ownTokensQuery(api: EstateClient, includeRevoked: boolean) {
  return infiniteQueryOptions({
    queryKey: [...TOKENS_QUERY_KEY, 'own', { includeRevoked }] as const,
    queryFn: ({ pageParam }) => api.listTokens({ includeRevoked, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
