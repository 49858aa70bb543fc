import type { Versioned } from '@estate/client';
import type { Check, CheckEventBatch, CheckStatus } from '@estate/contract';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { type CheckFilters, MONITORING_QUERY_KEY } from './monitoring-queries';

type CheckPage = { items: Check[]; nextCursor: string | null };

/** The key prefix of every checks list (the checks page, a CI's Monitoring tab). */
const LISTS_KEY = [...MONITORING_QUERY_KEY, 'checks'] as const;

/**
 * Applies one live batch to what the page has cached: each changed check's status replaces the old one in every
 * loaded list page and on its own page (rows change in place, nothing is read again), the summary replaces the
 * summary. A check whose last run changed has its results and history read again; a list filtered by state that a
 * change moves a check into or out of is read again; `more` reads every list again. Answers the keys it invalidated.
 */
export function applyCheckBatch(queryClient: QueryClient, batch: CheckEventBatch): QueryKey[] {
  const changed = new Map<string, CheckStatus>(batch.checks.map((c) => [c.id, c.status]));
  const stale: QueryKey[] = [];
  if (batch.summary) queryClient.setQueryData([...MONITORING_QUERY_KEY, 'summary'], batch.summary);
  if (batch.more) stale.push(LISTS_KEY);

  for (const [key, data] of queryClient.getQueriesData<InfiniteData<CheckPage>>({ queryKey: LISTS_KEY })) {
    if (!data || changed.size === 0) continue;
    const filters = (key[2] ?? {}) as CheckFilters;
    if (filters.state && movesMembership(data, changed, filters.state)) stale.push(key);
    let touched = false;
    const pages = data.pages.map((page) => {
      if (!page.items.some((check) => changed.has(check.id))) return page;
      touched = true;
      return { ...page, items: page.items.map((check) => withStatus(check, changed.get(check.id))) };
    });
    if (touched) queryClient.setQueryData(key, { ...data, pages });
  }

  for (const [id, status] of changed) {
    const key = [...MONITORING_QUERY_KEY, 'check', id];
    const cached = queryClient.getQueryData<Versioned<Check>>(key);
    if (!cached) continue;
    if (cached.value.status.lastRunAt !== status.lastRunAt) {
      stale.push([...key, 'results'], [...key, 'history']);
    }
    queryClient.setQueryData<Versioned<Check>>(key, { ...cached, value: withStatus(cached.value, status) });
  }
  for (const key of stale) void queryClient.invalidateQueries({ queryKey: key });
  return stale;
}

function withStatus(check: Check, status: CheckStatus | undefined): Check {
  return status === undefined ? check : { ...check, status };
}

/** Whether a change takes a listed check out of the list's state, or brings one not listed into it. */
function movesMembership(data: InfiniteData<CheckPage>, changed: Map<string, CheckStatus>, state: string): boolean {
  const listed = new Set(data.pages.flatMap((page) => page.items.map((check) => check.id)));
  for (const [id, status] of changed) {
    if (listed.has(id) !== (status.state === state)) return true;
  }
  return false;
}
