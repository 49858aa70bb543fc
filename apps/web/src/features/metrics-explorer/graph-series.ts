import type { ChartSeries } from '../../components/TimeSeriesChart';
import { pointsFromPrometheus } from '../../components/time-series';
import type { Labels, Sample } from './prometheus-query';
import { formatSeries } from './result-rows';

/** The most series a graph draws; past it the lines are an unreadable tangle and the browser slows to a crawl. */
export const GRAPH_SERIES_LIMIT = 200;

/** The lines of a range query's result, at most `limit`, and how many series there were in all. */
export interface GraphSeries {
  /** One line per series, labelled as PromQL writes the series; NaN and infinities are gaps. */
  series: ChartSeries[];
  total: number;
}

/** The graph lines of a matrix result, in the server's order, cut to `limit`. */
export function graphSeries(result: ReadonlyArray<{ metric: Labels; values: Sample[] }>, limit: number = GRAPH_SERIES_LIMIT): GraphSeries {
  return {
    total: result.length,
    series: result
      .slice(0, limit)
      .map((element) => ({ label: formatSeries(element.metric), points: pointsFromPrometheus(element.values) })),
  };
}
