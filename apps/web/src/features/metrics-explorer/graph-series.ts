import type { Labels, Sample } from './prometheus-query';
import { formatSeries } from './result-rows';

/** The most series a graph draws; past it the lines are an unreadable tangle and the browser slows to a crawl. */
export const GRAPH_SERIES_LIMIT = 200;

/** One line of the graph. */
export interface GraphLine {
  /** The series as PromQL writes it, the legend's text. */
  name: string;
  labels: Labels;
  /** Epoch milliseconds of each point, ascending. */
  times: number[];
  /** The values, `NaN` and infinities included (a chart leaves a gap for them). */
  values: number[];
}

/** The lines of a range query's result, at most `limit`, and how many series there were in all. */
export interface GraphSeries {
  series: GraphLine[];
  total: number;
}

/** A sample value as Prometheus writes it (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`) as a number. */
export function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** The graph lines of a matrix result, in the server's order, cut to `limit`. */
export function graphSeries(result: ReadonlyArray<{ metric: Labels; values: Sample[] }>, limit: number = GRAPH_SERIES_LIMIT): GraphSeries {
  return {
    total: result.length,
    series: result.slice(0, limit).map((element) => ({
      name: formatSeries(element.metric),
      labels: element.metric,
      times: element.values.map(([seconds]) => Math.round(seconds * 1000)),
      values: element.values.map(([, value]) => sampleValue(value)),
    })),
  };
}
