import { type EstateClient, isApiError } from '@estate/client';
import { queryOptions } from '@tanstack/react-query';
import { type InstantQuery, PromQueryError, type RangeQuery, runInstantQuery, runRangeQuery } from './prometheus-query';
import { chooseStep } from './query-step';

/** Prefix of every explorer query. */
export const PROMQL_QUERY_KEY = ['promql'] as const;

// An expression the server refused will be refused again; only a network failure or a 5xx is worth a retry.
const retry = (failures: number, error: unknown) =>
  failures < 1 && !((error instanceof PromQueryError || isApiError(error)) && error.status < 500);

/**
 * One instant query. The evaluation time is part of the key, so "now" is a new query each time it is resolved, and
 * a pinned time is answered from the cache. The answer never goes stale by itself: a result belongs to its time.
 */
export function instantQuery(api: EstateClient, params: InstantQuery) {
  return queryOptions({
    queryKey: [...PROMQL_QUERY_KEY, 'instant', params] as const,
    queryFn: ({ signal }) => runInstantQuery(params, api.csrfToken, signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
}

/** One range query; like `instantQuery`, keyed by its times. */
export function rangeQuery(api: EstateClient, params: RangeQuery) {
  return queryOptions({
    queryKey: [...PROMQL_QUERY_KEY, 'range', params] as const,
    queryFn: ({ signal }) => runRangeQuery(params, api.csrfToken, signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
}

/**
 * The range query a graph of `rangeMs` ending at `endMs` asks for: a step of at most ~500 points, and a start a
 * whole number of steps before the end (at most one step early), so that the last point falls on the end itself.
 */
export function graphRange(query: string, rangeMs: number, endMs: number): RangeQuery {
  const stepMs = chooseStep(rangeMs);
  return { query, startMs: endMs - Math.ceil(rangeMs / stepMs) * stepMs, endMs, stepMs };
}
