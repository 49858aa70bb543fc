import type { CiFilters, EstateClient } from '@estate/client';
import type { ImpactQuery } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every inventory query; invalidate it after changing CIs or relationships. */
export const INVENTORY_QUERY_KEY = ['inventory'] as const;

/** The CI list, `limit` per page, read on with the keyset cursor. */
export function cisListQuery(api: EstateClient, filters: CiFilters, limit = 100) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'cis', filters, limit] as const,
    fetchPage: (cursor) => api.listCis({ ...filters, limit, cursor }),
  });
}

/** Every CI type; they change only when an admin adds a custom field, so they stay fresh for a while. */
export function ciTypesQuery(api: EstateClient) {
  return queryOptions({ queryKey: [...INVENTORY_QUERY_KEY, 'types'] as const, queryFn: () => api.listCiTypes(), staleTime: 300_000 });
}

/** Relationship types with their names read from either end. */
export function relationshipTypesQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'relationship-types'] as const,
    queryFn: () => api.listRelationshipTypes(),
    staleTime: 300_000,
  });
}

/** One CI with its ETag (or its state at `asOf`), always re-read so an edit starts from the latest version. */
export function ciQuery(api: EstateClient, id: string, asOf?: number) {
  return queryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'ci', id, asOf ?? null] as const,
    queryFn: () => api.getCi(id, asOf),
    staleTime: 0,
  });
}

/** The relationships of one CI, both directions, 200 per page, read on with the keyset cursor. */
export function ciRelationshipsQuery(api: EstateClient, ciId: string) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'relationships', ciId] as const,
    fetchPage: (cursor) => api.listRelationships({ ciId, limit: 200, cursor }),
  });
}

/** The history of one CI, newest first. */
export function ciHistoryQuery(api: EstateClient, ciId: string) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'history', ciId] as const,
    fetchPage: (cursor) => api.listCiHistory(ciId, { limit: 50, cursor }),
  });
}

/** The impact graph around one CI. */
export function impactQuery(api: EstateClient, ciId: string, query: ImpactQuery) {
  return queryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'impact', ciId, query] as const,
    queryFn: () => api.getImpact(ciId, query),
  });
}

/** The caller's saved CI views. */
export function savedViewsQuery(api: EstateClient) {
  return queryOptions({ queryKey: [...INVENTORY_QUERY_KEY, 'saved-views'] as const, queryFn: () => api.listSavedViews() });
}

/** One CI's network interfaces from every source (agent, SNMP scan), by source and name. */
export function ciInterfacesQuery(api: EstateClient, ciId: string) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'ci-interfaces', ciId] as const,
    fetchPage: (cursor) => api.listCiInterfaces(ciId, { limit: 500, cursor }),
  });
}

/** What observers saw of one CI that is not one of its fields, by key and source. */
export function observedFactsQuery(api: EstateClient, ciId: string) {
  return pagedQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'observed-facts', ciId] as const,
    fetchPage: (cursor) => api.listObservedFacts(ciId, { limit: 200, cursor }),
  });
}
