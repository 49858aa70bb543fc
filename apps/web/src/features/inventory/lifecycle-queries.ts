import type { EstateClient } from '@estate/client';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { INVENTORY_QUERY_KEY } from './inventory-queries';

/** What expires within `within` days, soonest first, read on with the keyset cursor. */
export function expiringQuery(api: EstateClient, within: number) {
  return infiniteQueryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'expiring', within] as const,
    queryFn: ({ pageParam }) => api.listExpiring({ within, limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** Every licence's seats against its use. */
export function licenceUsageQuery(api: EstateClient) {
  return infiniteQueryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'licences'] as const,
    queryFn: ({ pageParam }) => api.listLicenceUsage({ limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** The refresh plan up to the horizon's end; the totals per quarter come with every page. */
export function refreshPlanQuery(api: EstateClient, horizon: 'quarter' | 'year') {
  return infiniteQueryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'refresh-plan', horizon] as const,
    queryFn: ({ pageParam }) => api.getRefreshPlan({ horizon, limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
