import { queryOptions } from '@tanstack/react-query';
import { fetchInstant, METRICS_QUERY_KEY } from '../metrics/metrics-queries';
import { buildOverview, type EstateOverview, OVERVIEW_QUERIES, type OverviewVectors } from './estate-overview';

/** How often the home page reads the latest values again, in ms (the agents report every 30 s). */
export const OVERVIEW_REFRESH_MS = 30_000;

/** The estate at a glance: every reporting host's latest CPU, memory and filesystem use, by instant queries. */
export function estateOverviewQuery() {
  return queryOptions({
    queryKey: [...METRICS_QUERY_KEY, 'overview'] as const,
    queryFn: async ({ signal }): Promise<EstateOverview> => {
      const keys = Object.keys(OVERVIEW_QUERIES) as (keyof OverviewVectors)[];
      const vectors = await Promise.all(keys.map((key) => fetchInstant(OVERVIEW_QUERIES[key], undefined, signal)));
      return buildOverview(Object.fromEntries(keys.map((key, i) => [key, vectors[i] ?? []])) as unknown as OverviewVectors);
    },
    refetchInterval: OVERVIEW_REFRESH_MS,
  });
}
