import type { EstateClient } from '@estate/client';
import type { CheckListQuery } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every monitoring query; invalidate it after saving, running or deleting a check. */
export const MONITORING_QUERY_KEY = ['monitoring'] as const;

/**
 * How often live views re-read: every 5 s, and whenever a view opens (their queries are stale at once). React Query pauses intervals while the tab is hidden (its
 * `refetchIntervalInBackground` stays false), so a forgotten tab costs nothing.
 */
export const LIVE_REFRESH_MS = 5_000;

/** The check types this server runs; they change only with a new server version. */
export function checkTypesQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'types'] as const,
    queryFn: async () => (await api.listCheckTypes()).items,
    staleTime: 300_000,
  });
}

/** The filters of the checks list, without paging. */
export type CheckFilters = Omit<CheckListQuery, 'cursor' | 'limit'>;

/** The checks list, 50 per page; every loaded page is re-read every 5 s (one request a page, none per check). */
export function checksListQuery(api: EstateClient, filters: CheckFilters, limit = 50) {
  return {
    ...pagedQuery({
      queryKey: [...MONITORING_QUERY_KEY, 'checks', filters, limit] as const,
      fetchPage: (cursor) => api.listChecks({ ...filters, limit, cursor }),
      refetchInterval: LIVE_REFRESH_MS,
    }),
    staleTime: 0,
  };
}

/** How many checks are in each state, re-read every 5 s. */
export function checkSummaryQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'summary'] as const,
    queryFn: () => api.checkSummary(),
    staleTime: 0,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** One check with its ETag, re-read every 5 s so its state and the ETag an action sends stay current. */
export function checkQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'check', id] as const,
    queryFn: () => api.getCheck(id),
    staleTime: 0,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** A check's last results (up to 100), newest first, re-read every 5 s. */
export function checkResultsQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'check', id, 'results'] as const,
    queryFn: () => api.listCheckResults(id, { limit: 100 }),
    staleTime: 0,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

/** A check's state changes, newest first, 50 per page. */
export function checkHistoryQuery(api: EstateClient, id: string) {
  return {
    ...pagedQuery({
      queryKey: [...MONITORING_QUERY_KEY, 'check', id, 'history'] as const,
      fetchPage: (cursor) => api.listCheckHistory(id, { limit: 50, cursor }),
      refetchInterval: LIVE_REFRESH_MS,
    }),
    staleTime: 0,
  };
}

/**
 * A check's uptime over 24 h, 7 d, 30 d and 90 d. Keyed by when the check entered its state, so a state change asks
 * again at once; otherwise re-read each minute (the figures move slowly).
 */
export function checkUptimeQuery(api: EstateClient, id: string, since: number | null) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'check', id, 'uptime', since] as const,
    queryFn: () => api.checkUptime(id),
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

/** The checks discovery's findings suggest for a CI; a created check drops out when the lists are invalidated. */
export function checkSuggestionsQuery(api: EstateClient, ciId: string) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'suggestions', ciId] as const,
    queryFn: () => api.listCheckSuggestions(ciId),
    staleTime: 30_000,
  });
}
