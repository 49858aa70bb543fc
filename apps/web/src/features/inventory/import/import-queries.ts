import type { EstateClient } from '@estate/client';
import type { ImportSummary } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../../components/paged-query';
import { INVENTORY_QUERY_KEY } from '../inventory-queries';

/** Prefix of the import queries; invalidate it when an import finishes so the history refreshes. */
export const IMPORTS_QUERY_KEY = [...INVENTORY_QUERY_KEY, 'imports'] as const;

/** Whether a job has stopped changing. */
export function isFinished(job: Pick<ImportSummary, 'status'> | undefined): boolean {
  return job?.status === 'succeeded' || job?.status === 'failed';
}

/** One import job, polled every second until it has succeeded or failed. */
export function importJobQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...IMPORTS_QUERY_KEY, 'job', id] as const,
    queryFn: () => api.getImport(id),
    refetchInterval: (query) => (isFinished(query.state.data) || query.state.error ? false : 1000),
    staleTime: (query) => (isFinished(query.state.data) ? Number.POSITIVE_INFINITY : 0),
  });
}

/** The caller's imports, newest first, `limit` per page, read on with the keyset cursor. */
export function importHistoryQuery(api: EstateClient, limit = 20) {
  return pagedQuery({
    queryKey: [...IMPORTS_QUERY_KEY, 'history', limit] as const,
    fetchPage: (cursor) => api.listImports({ limit, cursor }),
  });
}

/** The import presets (mappings of NetBox, Snipe-IT and GLPI exports); they change only with a release. */
export function importPresetsQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...IMPORTS_QUERY_KEY, 'presets'] as const,
    queryFn: () => api.listImportPresets(),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
