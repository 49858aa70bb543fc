import type { EstateClient } from '@estate/client';
import type { Role } from '@estate/contract';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';

/** Prefix of every user query; invalidate it after creating or changing a user. */
export const USERS_QUERY_KEY = ['users'] as const;

/** Filters of the user list. */
export interface UserFilters {
  /** Substring of email or name. */
  q?: string;
  role?: Role;
}

/** The user list, 50 per page, read on with the keyset cursor. */
export function usersListQuery(api: EstateClient, filters: UserFilters) {
  return infiniteQueryOptions({
    queryKey: [...USERS_QUERY_KEY, 'list', filters] as const,
    queryFn: ({ pageParam }) => api.listUsers({ ...filters, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** One user with its ETag, always re-read when an edit dialog opens so the edit starts from the latest version. */
export function userQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...USERS_QUERY_KEY, 'detail', id] as const,
    queryFn: () => api.getUser(id),
    staleTime: 0,
  });
}
