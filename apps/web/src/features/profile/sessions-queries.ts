import type { EstateClient } from '@estate/client';
import { infiniteQueryOptions } from '@tanstack/react-query';

/** Prefix of the session list; invalidate it after revoking a session or changing MFA. */
export const SESSIONS_QUERY_KEY = ['me', 'sessions'] as const;

/** The signed-in user's active sessions, 50 per page. */
export function sessionsQuery(api: EstateClient) {
  return infiniteQueryOptions({
    queryKey: SESSIONS_QUERY_KEY,
    queryFn: ({ pageParam }) => api.listSessions({ limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
