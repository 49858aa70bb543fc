import type { EstateClient } from '@estate/client';
import { pagedQuery } from '../../components/paged-query';
import { INVENTORY_QUERY_KEY } from './inventory-queries';

/** What expires within `within` days, soonest first, read on with the keyset cursor. */
export function expiringQuery(api: EstateClient, within: number) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'expiring', within] as const,
    fetchPage: (cursor) => api.listExpiring({ within, limit: 100, cursor }),
  });
}

/** Every licence's seats against its use. */
export function licenceUsageQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'licences'] as const,
    fetchPage: (cursor) => api.listLicenceUsage({ limit: 100, cursor }),
  });
}

/** The refresh plan up to the horizon's end; the totals per quarter come with every page. */
export function refreshPlanQuery(api: EstateClient, horizon: 'quarter' | 'year') {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'lifecycle', 'refresh-plan', horizon] as const,
    fetchPage: (cursor) => api.getRefreshPlan({ horizon, limit: 100, cursor }),
  });
}
