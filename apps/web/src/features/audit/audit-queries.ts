import type { EstateClient } from '@estate/client';
import type { AuditQuery } from '@estate/contract';
import { pagedQuery } from '../../components/paged-query';

/** Filters of the audit log: the query parameters of `GET /audit-events` without the paging ones. */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'cursor'>;

/** The audit log, newest first, 50 events per page, read on with the keyset cursor. */
export function auditEventsQuery(api: EstateClient, filters: AuditFilters) {
  return pagedQuery({
    queryKey: ['audit-events', filters] as const,
    fetchPage: (cursor) => api.listAuditEvents({ ...filters, limit: 50, cursor }),
  });
}
