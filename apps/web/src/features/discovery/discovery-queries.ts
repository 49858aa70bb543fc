import type { EstateClient } from '@estate/client';
import type { HostChange, ScanRun } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every discovery query; invalidate it after changing a scan, a credential or starting a run. */
export const DISCOVERY_QUERY_KEY = ['discovery'] as const;

/** Whether a run has stopped changing. */
export function isRunFinished(run: Pick<ScanRun, 'status'> | undefined): boolean {
  return run?.status === 'succeeded' || run?.status === 'failed';
}

/** Every scan, 50 per page, in name order; re-read every 3 s while one of them has a run going. */
export function scansQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...DISCOVERY_QUERY_KEY, 'scans'] as const,
    fetchPage: (cursor) => api.listScans({ limit: 50, cursor }),
    refetchInterval: (pages) => (pages.some((p) => p.items.some((s) => s.lastRun && !isRunFinished(s.lastRun))) ? 3000 : false),
  });
}

/** One scan with its ETag; polled every 2 s while its latest run is going, so "last run" stays true. */
export function scanQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'scan', id] as const,
    queryFn: () => api.getScan(id),
    refetchInterval: (query) => {
      const last = query.state.data?.value.lastRun;
      return last && !isRunFinished(last) ? 2000 : false;
    },
  });
}

/** A scan's runs, newest first, 20 per page. */
export function scanRunsQuery(api: EstateClient, scanId: string) {
  return pagedQuery({
    queryKey: [...DISCOVERY_QUERY_KEY, 'scan', scanId, 'runs'] as const,
    fetchPage: (cursor) => api.listScanRuns(scanId, { limit: 20, cursor }),
  });
}

/** One run, polled every second until it has succeeded or failed. */
export function scanRunQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'run', id] as const,
    queryFn: () => api.getScanRun(id),
    refetchInterval: (query) => (isRunFinished(query.state.data) || query.state.error ? false : 1000),
  });
}

/** A run's hosts in address order, 100 per page, optionally of one change kind. */
export function scanHostsQuery(api: EstateClient, runId: string, change: HostChange | undefined, finished: boolean) {
  return pagedQuery({
    queryKey: [...DISCOVERY_QUERY_KEY, 'run', runId, 'hosts', change ?? 'all', finished] as const,
    fetchPage: (cursor) => api.listScanHosts(runId, { limit: 100, cursor, ...(change ? { change } : {}) }),
    // Hosts appear as the run finds them: re-read the first page while it is going.
    refetchInterval: finished ? false : 3000,
  });
}

/** Every SNMP credential (secrets never included), 50 per page, in name order. */
export function snmpCredentialsQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...DISCOVERY_QUERY_KEY, 'snmp-credentials'] as const,
    fetchPage: (cursor) => api.listSnmpCredentials({ limit: 50, cursor }),
  });
}
