import type { EstateClient } from '@estate/client';
import type { Role } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../components/paged-query';

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
  return pagedQuery({
    queryKey: [...USERS_QUERY_KEY, 'list', filters] as const,
    fetchPage: (cursor) => api.listUsers({ ...filters, limit: 50, cursor }),
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
