import type { EstateClient } from '@estate/client';
import type { HostChange, ScanRun } from '@estate/contract';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';

/** Prefix of every discovery query; invalidate it after changing a scan, a credential or starting a run. */
export const DISCOVERY_QUERY_KEY = ['discovery'] as const;

/** Whether a run has stopped changing. */
export function isRunFinished(run: Pick<ScanRun, 'status'> | undefined): boolean {
  return run?.status === 'succeeded' || run?.status === 'failed';
}

/** Every scan, 50 per page, in name order; re-read every 3 s while one of them has a run going. */
export function scansQuery(api: EstateClient) {
  return infiniteQueryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'scans'] as const,
    queryFn: ({ pageParam }) => api.listScans({ limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((s) => s.lastRun && !isRunFinished(s.lastRun))) ? 3000 : false,
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
  return infiniteQueryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'scan', scanId, 'runs'] as const,
    queryFn: ({ pageParam }) => api.listScanRuns(scanId, { limit: 20, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
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
  return infiniteQueryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'run', runId, 'hosts', change ?? 'all', finished] as const,
    queryFn: ({ pageParam }) => api.listScanHosts(runId, { limit: 100, cursor: pageParam, ...(change ? { change } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Hosts appear as the run finds them: re-read the first page while it is going.
    refetchInterval: finished ? false : 3000,
  });
}

/** Every SNMP credential (secrets never included), 50 per page, in name order. */
export function snmpCredentialsQuery(api: EstateClient) {
  return infiniteQueryOptions({
    queryKey: [...DISCOVERY_QUERY_KEY, 'snmp-credentials'] as const,
    queryFn: ({ pageParam }) => api.listSnmpCredentials({ limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
