import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SectionCard } from '../../components/SectionCard';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';
import { type ChartSeries, pointsFromPrometheus } from '../../components/time-series';
import { fetchRange } from '../metrics/metrics-queries';
import { MONITORING_QUERY_KEY } from './monitoring-queries';

const DAY_S = 86_400;
const STEP_S = 300;
const QUANTILES = [
  { q: 0.5, label: 'p50' },
  { q: 0.95, label: 'p95' },
  { q: 0.99, label: 'p99' },
] as const;

/** The PromQL of one response-time percentile of a check over each 5-minute step (from `estate_check_duration_seconds`). */
export function percentileQuery(checkId: string, q: number): string {
  return `quantile_over_time(${q}, estate_check_duration_seconds{check_id=${JSON.stringify(checkId)}}[${STEP_S}s])`;
}

function percentilesQuery(checkId: string) {
  return queryOptions({
    queryKey: [...MONITORING_QUERY_KEY, 'percentiles', checkId] as const,
    queryFn: async ({ signal }): Promise<{ series: ChartSeries[]; span: { from: number; to: number } }> => {
      // Steps end now, so the last point covers the last five minutes.
      const end = Math.floor(Date.now() / 1000);
      const range = { start: end - DAY_S, end, step: STEP_S };
      const matrices = await Promise.all(QUANTILES.map(({ q }) => fetchRange(percentileQuery(checkId, q), range, signal)));
      const series = matrices.map((matrix, i) => ({
        label: QUANTILES[i]?.label ?? '',
        points: matrix.flatMap((s) => pointsFromPrometheus(s.values)),
      }));
      return { series, span: { from: range.start, to: range.end } };
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/** A check's response-time percentiles over the last 24 hours, from the metric store (every run, not the last 50). */
export function ResponseTimePanel({ checkId }: { checkId: string }) {
  const percentiles = useQuery(percentilesQuery(checkId));
  return (
    <SectionCard title="Response time, 24 hours" description="p50, p95 and p99 of the runs in each 5 minutes, from the metric store.">
      <ProblemAlert error={percentiles.error} />
      <TimeSeriesChart
        series={percentiles.data?.series ?? []}
        {...(percentiles.data ? { timeRange: percentiles.data.span } : {})}
        unit="seconds"
        yMin={0}
        height={180}
        emptyText="No runs in the last 24 hours"
        aria-label="Response time percentiles"
        data-testid="percentile-chart"
      />
    </SectionCard>
  );
}
