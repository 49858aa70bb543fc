/** One sample of a series: epoch seconds (Prometheus' native time unit, fractions allowed) and a value or null. */
export type TimePoint = readonly [epochSeconds: number, value: number | null];

/** A named series of samples, as `TimeSeriesChart` draws it. */
export interface ChartSeries {
  /** Shown in the legend and the hover readout, e.g. "rx eth0" or a PromQL label set; unique within a chart. */
  label: string;
  /** Samples in any order; duplicates of one timestamp keep the last. */
  points: readonly TimePoint[];
  /** A CSS colour; by default the chart picks one from its palette by the series' position. */
  color?: string;
}

/**
 * Series aligned on one shared, ascending time axis, as uPlot wants them: `times[i]` is the timestamp of
 * `values[s][i]` for every series `s`, and a series without a sample at that time has null there (a gap).
 */
export interface AlignedSeries {
  times: number[];
  values: (number | null)[][];
}

/** Aligns series sampled at different times onto the union of their timestamps, filling the holes with null. */
export function alignSeries(series: readonly Pick<ChartSeries, 'points'>[]): AlignedSeries {
  const timeSet = new Set<number>();
  for (const s of series) for (const [t] of s.points) timeSet.add(t);
  const times = [...timeSet].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const row: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.points) row[index.get(t) as number] = v !== null && Number.isFinite(v) ? v : null;
    return row;
  });
  return { times, values };
}

/** The last non-null value of a row, or null when it has none; the legend shows it while nothing is hovered. */
export function lastValue(row: readonly (number | null)[]): number | null {
  for (let i = row.length - 1; i >= 0; i--) {
    const v = row[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * Converts the `values` of one Prometheus range-query result (`[epochSeconds, "string"]` pairs) into chart
 * points. Prometheus writes NaN and ±Inf as strings; they become null so the chart shows a gap.
 */
export function pointsFromPrometheus(values: readonly (readonly [number, string])[]): TimePoint[] {
  return values.map(([t, v]) => {
    const n = Number(v);
    return [t, Number.isFinite(n) ? n : null];
  });
}
