import type { EstateClient } from '@estate/client';
import type { AlertListQuery } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../../components/paged-query';

/** Prefix of every alerting query; invalidate it after acknowledging, resolving or saving rules. */
export const ALERTING_QUERY_KEY = ['alerting'] as const;

/** Alerts change as rules evaluate: live views re-read every 5 s (paused while the tab is hidden). */
export const ALERTS_REFRESH_MS = 5_000;

export type AlertFilters = Omit<AlertListQuery, 'cursor' | 'limit'>;

export function alertsListQuery(api: EstateClient, filters: AlertFilters, limit = 100) {
  return {
    ...pagedQuery({
      queryKey: [...ALERTING_QUERY_KEY, 'alerts', filters, limit] as const,
      fetchPage: (cursor) => api.listAlerts({ ...filters, limit, cursor }),
      refetchInterval: ALERTS_REFRESH_MS,
    }),
    staleTime: 0,
  };
}

export function alertSummaryQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...ALERTING_QUERY_KEY, 'summary'] as const,
    queryFn: () => api.alertSummary(),
    staleTime: 0,
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

export function alertQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...ALERTING_QUERY_KEY, 'alert', id] as const,
    queryFn: () => api.getAlert(id),
    staleTime: 0,
    refetchInterval: ALERTS_REFRESH_MS,
  });
}

export function ruleGroupsQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...ALERTING_QUERY_KEY, 'rule-groups'] as const,
    queryFn: () => api.listAlertRuleGroups(),
    staleTime: 0,
    refetchInterval: 15_000,
  });
}

export function ruleGroupQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...ALERTING_QUERY_KEY, 'rule-group', id] as const,
    queryFn: () => api.getAlertRuleGroup(id),
    staleTime: 0,
  });
}
