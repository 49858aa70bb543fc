import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { type ChartSeries, pointsFromPrometheus } from '../../components/time-series';
import { type HostPanel, panelExpressions } from './host-panels';
import type { ResolvedRange } from './metrics-range';
import { type InstantVector, promGet, type RangeMatrix, resultOfType } from './prometheus-http';

/** Prefix of every metrics query of the UI. */
export const METRICS_QUERY_KEY = ['metrics'] as const;

/**
 * Evaluates a PromQL expression over a range. Every range query of the UI goes through here, so a parameter that
 * applies to all of them (a resolution hint for downsampled data, say) is added in this one place.
 */
export async function fetchRange(query: string, range: ResolvedRange, signal?: AbortSignal): Promise<RangeMatrix> {
  const data = await promGet(
    '/api/v1/query_range',
    // Estate's extension (ADR 0018): where the step spans whole 5-minute or 1-hour buckets, read the rollup tier.
    { query, start: String(range.start), end: String(range.end), step: String(range.step), estate_resolution: 'auto' },
    signal,
  );
  return resultOfType<RangeMatrix>(data, 'matrix');
}

/** Evaluates a PromQL expression at one time (epoch seconds; the server's now when omitted). */
export async function fetchInstant(query: string, time?: number, signal?: AbortSignal): Promise<InstantVector> {
  const data = await promGet('/api/v1/query', time === undefined ? { query } : { query, time: String(time) }, signal);
  return resultOfType<InstantVector>(data, 'vector');
}

/** Whether any series was ever stored for the CI, whatever its name. */
export function ciHasMetricsQuery(ciId: string) {
  return queryOptions({
    queryKey: [...METRICS_QUERY_KEY, 'ci-has-series', ciId] as const,
    queryFn: async ({ signal }) => {
      const data = await promGet('/api/v1/series', { 'match[]': `{ci_id=${JSON.stringify(ciId)}}` }, signal);
      return Array.isArray(data) && data.length > 0;
    },
    staleTime: 60_000,
  });
}

/**
 * One graph of a host's page over a resolved range: each of the panel's expressions evaluated, its series named
 * by the panel. Keeps showing the previous range's lines while the next range loads.
 */
export function hostPanelQuery(ciId: string, panel: HostPanel, range: ResolvedRange) {
  return queryOptions({
    queryKey: [...METRICS_QUERY_KEY, 'host-panel', ciId, panel.id, range] as const,
    queryFn: async ({ signal }): Promise<ChartSeries[]> => {
      const expressions = panelExpressions(panel, ciId, range.step);
      const matrices = await Promise.all(expressions.map((e) => fetchRange(e.query, range, signal)));
      return matrices.flatMap((matrix, i) =>
        matrix.map((series) => ({
          label: expressions[i]?.label(series.metric) ?? '',
          points: pointsFromPrometheus(series.values),
        })),
      );
    },
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}
