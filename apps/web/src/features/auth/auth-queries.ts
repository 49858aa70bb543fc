import type { EstateClient } from '@estate/client';
import { queryOptions } from '@tanstack/react-query';
import { EXPECTS_UNAUTHENTICATED } from '../../app/query-client';

/** Cache key of the signed-in user (`GET /me`). Invalidate it after anything that changes the user or session. */
export const ME_QUERY_KEY = ['me'] as const;

/** Who is signed in. A 401 here means "nobody", which the route guards turn into the login or setup page. */
export function meQuery(api: EstateClient) {
  return queryOptions({
    queryKey: ME_QUERY_KEY,
    queryFn: () => api.getMe(),
    retry: false,
    staleTime: 60_000,
    meta: { [EXPECTS_UNAUTHENTICATED]: true },
  });
}

/**
 * Whether the server still waits for its first admin, from the session probe (which always answers 200, unlike
 * `GET /setup`, whose 404 after setup would show as a failed request in the browser's console). Never changes back
 * once false, so it is cached for good.
 */
export function setupStatusQuery(api: EstateClient) {
  return queryOptions({
    queryKey: ['setup-status'] as const,
    queryFn: async () => ({ setupRequired: (await api.getSession()).setupRequired }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
