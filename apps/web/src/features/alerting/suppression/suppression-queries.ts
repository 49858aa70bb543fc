import type { EstateClient } from '@estate/client';
import type { SilenceStateName } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../../components/paged-query';

/** Prefix of every suppression query; invalidate it after a silence, window or routing change. */
export const SUPPRESSION_QUERY_KEY = ['suppression'] as const;

/** Silences in one state, 50 per page, re-read every 15 s (a silence's state changes with time). */
export function silencesQuery(api: EstateClient, state: SilenceStateName, matcher: string) {
  return {
    ...pagedQuery({
      queryKey: [...SUPPRESSION_QUERY_KEY, 'silences', state, matcher] as const,
      fetchPage: (cursor) => api.listSilences({ state, limit: 50, cursor, ...(matcher ? { matcher } : {}) }),
      refetchInterval: 15_000,
    }),
    staleTime: 0,
  };
}

/** Maintenance windows by name, 100 per page. */
export function maintenanceWindowsQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...SUPPRESSION_QUERY_KEY, 'windows'] as const,
    fetchPage: (cursor) => api.listMaintenanceWindows({ limit: 100, cursor }),
  });
}

/** One window with its ETag. */
export function maintenanceWindowQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...SUPPRESSION_QUERY_KEY, 'window', id] as const,
    queryFn: () => api.getMaintenanceWindow(id),
  });
}

/** The occurrences of every window in `[from, to)`, for the calendar. */
export function occurrencesQuery(api: EstateClient, from: number, to: number) {
  return queryOptions({
    queryKey: [...SUPPRESSION_QUERY_KEY, 'occurrences', from, to] as const,
    queryFn: () => api.maintenanceOccurrences(from, to),
  });
}

/** The routing configuration with its ETag. */
export function alertRoutingQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...SUPPRESSION_QUERY_KEY, 'routing'] as const,
    queryFn: () => api.getAlertRouting(),
    staleTime: 0,
  });
}

/** The stored versions of the routing configuration, newest first. */
export function alertRoutingVersionsQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...SUPPRESSION_QUERY_KEY, 'routing-versions'] as const,
    fetchPage: (cursor) => api.listAlertRoutingVersions({ limit: 20, cursor }),
  });
}
