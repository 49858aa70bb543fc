import { Alert, Loader, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../../app/use-api';
import { ExploreChart } from './ExploreChart';
import { graphRange, rangeQuery } from './explore-queries';
import { formatDuration } from './explore-search';
import { GRAPH_SERIES_LIMIT, graphSeries } from './graph-series';
import { QueryErrorAlert, QueryWarnings } from './QueryErrorAlert';

/** Props of `GraphView`. */
export interface GraphViewProps {
  expr: string;
  /** The graph's width in time, in milliseconds. */
  rangeMs: number;
  /** Its right edge in epoch milliseconds. */
  endMs: number;
  /** Called with the span (epoch milliseconds) the user dragged across the graph. */
  onZoom: (startMs: number, endMs: number) => void;
}

/** Runs `expr` as a range query ending at `endMs` and draws one line per series, or says why there is none. */
export function GraphView({ expr, rangeMs, endMs, onZoom }: GraphViewProps) {
  const api = useApi();
  const params = graphRange(expr, rangeMs, endMs);
  // While a new range loads, the old lines stay instead of the graph collapsing to a spinner.
  const answer = useQuery({ ...rangeQuery(api, params), placeholderData: keepPreviousData });
  // The chart redraws when its series change identity: only a new answer makes new ones.
  const answered = answer.data?.data;
  const graph = useMemo(() => (answered?.resultType === 'matrix' ? graphSeries(answered.result) : null), [answered]);
  if (answer.isPending) return <Loader size="sm" aria-label="Running the query" data-testid="query-running" />;
  if (answer.isError) return <QueryErrorAlert error={answer.error} />;
  if (graph === null) {
    return <Alert color="yellow">The server answered a {answer.data.data.resultType} to a range query; only series can be graphed.</Alert>;
  }
  return (
    <Stack gap="sm" style={{ opacity: answer.isPlaceholderData ? 0.6 : 1 }} aria-busy={answer.isPlaceholderData}>
      <QueryWarnings warnings={answer.data.warnings} />
      <Text size="sm" c="dimmed" data-testid="graph-summary">
        {graph.total.toLocaleString()} series over {formatDuration(rangeMs)}, one point every {formatDuration(params.stepMs)}
      </Text>
      {graph.total > GRAPH_SERIES_LIMIT && (
        <Alert color="yellow" variant="light" data-testid="graph-truncated">
          The result has {graph.total.toLocaleString()} series; the first {GRAPH_SERIES_LIMIT} are drawn. Narrow the query with label
          matchers or an aggregation.
        </Alert>
      )}
      {graph.total === 0 ? (
        <Text c="dimmed" ta="center" py="xl" data-testid="graph-empty">
          The query returned no series over this range.
        </Text>
      ) : (
        <ExploreChart series={graph.series} startMs={params.startMs} endMs={params.endMs} onZoom={onZoom} />
      )}
    </Stack>
  );
}
