import type { EstateClient } from '@estate/client';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of the session list; invalidate it after revoking a session or changing MFA. */
export const SESSIONS_QUERY_KEY = ['me', 'sessions'] as const;

/** The signed-in user's active sessions, 50 per page. */
export function sessionsQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: SESSIONS_QUERY_KEY,
    fetchPage: (cursor) => api.listSessions({ limit: 50, cursor }),
  });
}
