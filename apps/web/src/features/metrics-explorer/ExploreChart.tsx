import type { ChartSeries } from '../../components/TimeSeriesChart';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';

/** Props of `ExploreChart`. */
export interface ExploreChartProps {
  series: readonly ChartSeries[];
  /** The range the query asked for, in epoch milliseconds: the x-axis spans it even where there is no data. */
  startMs: number;
  endMs: number;
  /** Called with the span (epoch milliseconds) the user dragged across, to zoom to it. */
  onZoom: (startMs: number, endMs: number) => void;
}

/**
 * The explorer's graph: one line per series over exactly the queried range, the legend naming each series as
 * PromQL writes it, with its value under the cursor (or its latest). Dragging across the plot zooms to the span.
 */
export function ExploreChart({ series, startMs, endMs, onZoom }: ExploreChartProps) {
  return (
    <TimeSeriesChart
      series={series}
      timeRange={{ from: startMs / 1000, to: endMs / 1000 }}
      height={320}
      onZoom={(span) => onZoom(span.from * 1000, span.to * 1000)}
      emptyText="No samples in this range"
      aria-label="The query's series over time"
      data-testid="explore-chart"
    />
  );
}
