import 'uplot/dist/uPlot.min.css';
import { Box, Text, useComputedColorScheme, useMantineTheme } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { ChartLegend } from './ChartLegend';
import { chartPalette } from './chart-palette';
import { axisIncrements, formatMetricValue, type MetricUnit } from './metric-units';
import { type AlignedSeries, alignSeries, type ChartSeries, lastValue } from './time-series';

export type { ChartSeries, TimePoint } from './time-series';

/** A time span in epoch seconds, both ends included. */
export interface TimeSpan {
  from: number;
  to: number;
}

/** Props of `TimeSeriesChart`. */
export interface TimeSeriesChartProps {
  /** The lines to draw; a new array (new identity) redraws the data, keeping the chart itself. */
  series: readonly ChartSeries[];
  /** The unit of every series' values: it formats the y-axis ticks and the legend's readout. Default `number`. */
  unit?: MetricUnit;
  /** The plot's height in CSS pixels, axes included, legend excluded. Default 200. The width follows the container. */
  height?: number;
  /**
   * Soft bounds of the y-axis: the axis always reaches them and grows past them when the data does. E.g.
   * `yMin={0}` anchors a byte count at zero, `yMin={0} yMax={1}` shows a ratio from 0 to 100 %.
   */
  yMin?: number;
  yMax?: number;
  /**
   * The time span the x-axis shows, in epoch seconds. Given, the axis spans exactly this even where there is no
   * data (so charts of one page line up); omitted, it spans the data.
   */
  timeRange?: TimeSpan;
  /**
   * Called when the user drags across the plot to select a span (epoch seconds). Without it, dragging does
   * nothing: the page owns the time range, so the chart never zooms on its own.
   */
  onZoom?: (span: TimeSpan) => void;
  /**
   * Charts given the same key share their cursor: hovering one shows the same time on all of them, each legend
   * reading its own values there (a page of graphs of one host, say). Without it a chart's cursor is its own.
   */
  syncKey?: string;
  /** Shown in the plot's place when no series has a sample. Default "No data in this range". */
  emptyText?: string;
  /** Names the chart for assistive technology, e.g. "CPU utilisation". */
  'aria-label'?: string;
  'data-testid'?: string;
}

function toUplotData(aligned: AlignedSeries): uPlot.AlignedData {
  return [aligned.times, ...aligned.values] as uPlot.AlignedData;
}

/** Pads the data-driven ends of the y-range by 5 % and keeps the caller's soft bounds inside it. */
function yRange(dataMin: number | null, dataMax: number | null, yMin?: number, yMax?: number): uPlot.Range.MinMax {
  if (dataMin === null || dataMax === null || !Number.isFinite(dataMin) || !Number.isFinite(dataMax)) {
    return [yMin ?? 0, yMax ?? Math.max((yMin ?? 0) + 1, 1)];
  }
  let low = yMin !== undefined ? Math.min(yMin, dataMin) : dataMin;
  let high = yMax !== undefined ? Math.max(yMax, dataMax) : dataMax;
  if (low === high) {
    // A flat line (an idle disk's zero) still needs an axis with some height to sit in.
    high = low + (Math.abs(low) || 1);
  }
  const pad = (high - low) * 0.05;
  if (yMin === undefined || dataMin < yMin) low -= pad;
  if (yMax === undefined || dataMax > yMax) high += pad;
  return [low, high];
}

const AXIS_FONT_SIZE = 12;
// uPlot's y-axis: tick marks of 10 px and a 5 px gap before the labels; a few pixels spare keep the first digit in.
const AXIS_LABEL_MARGIN = 10 + 5 + 6;
let measuringContext: CanvasRenderingContext2D | null | undefined;

/** How wide the y-axis must be for its longest tick label ("1.5 GiB/s", "100%") in `font`, in CSS pixels. */
function axisWidth(values: string[] | null, font: string): number {
  if (!values || values.length === 0) return 40;
  measuringContext ??= document.createElement('canvas').getContext('2d');
  if (!measuringContext) return Math.max(...values.map((v) => v.length)) * 7 + AXIS_LABEL_MARGIN;
  measuringContext.font = font;
  const context = measuringContext;
  return Math.ceil(Math.max(...values.map((v) => context.measureText(v).width)) + AXIS_LABEL_MARGIN);
}

/**
 * A line chart of metric series over time, drawn with uPlot on a canvas. It fills its container's width and
 * follows it when the container resizes (down to a phone's 375 px), formats the y-axis and the readout in the
 * given unit, and draws in the current Mantine colour scheme. Below the plot a legend shows each series' value
 * under the cursor — or its latest value while the cursor is elsewhere — and hides or shows a series on click.
 *
 * Data arrives as points `[epochSeconds, value]` per series (see `pointsFromPrometheus` for Prometheus' range
 * results); series sampled at different times are aligned, and missing samples draw as gaps, never as lines
 * across them.
 */
export function TimeSeriesChart({
  series,
  unit = 'number',
  height = 200,
  yMin,
  yMax,
  timeRange,
  onZoom,
  syncKey,
  emptyText = 'No data in this range',
  'aria-label': ariaLabel,
  'data-testid': testId,
}: TimeSeriesChartProps) {
  const theme = useMantineTheme();
  const scheme = useComputedColorScheme('light');
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const [cursorIndex, setCursorIndex] = useState<number | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());

  const aligned = useMemo(() => alignSeries(series), [series]);
  const palette = chartPalette(theme, scheme);
  const colors = series.map((s, i) => s.color ?? palette[i % palette.length] ?? 'gray');
  const labels = series.map((s) => s.label);

  // The chart reads these through a ref so a new time range or callback does not rebuild it.
  const live = useRef({ aligned, timeRange, onZoom, hidden });
  live.current = { aligned, timeRange, onZoom, hidden };

  // Rebuilding the chart is cheap but loses the cursor; only what shapes it (not the data) rebuilds it.
  const shapeKey = JSON.stringify({ unit, height, yMin, yMax, scheme, colors, labels, syncKey, zoomable: onZoom !== undefined });

  // biome-ignore lint/correctness/useExhaustiveDependencies: shapeKey stands for everything the options read.
  useEffect(() => {
    const element = plotRef.current;
    if (!element) return;
    const axisColor = scheme === 'dark' ? theme.colors.dark[1] : theme.colors.gray[7];
    const gridColor = scheme === 'dark' ? theme.colors.dark[4] : theme.colors.gray[2];
    const font = `${AXIS_FONT_SIZE}px ${theme.fontFamily ?? 'sans-serif'}`;
    const axis = { stroke: axisColor, font, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 100),
      height,
      legend: { show: false },
      cursor: {
        drag: { x: onZoom !== undefined, y: false, setScale: false },
        // Only the time line: a horizontal one would be drawn at the same height on every synced chart, meaningless.
        y: false,
        points: { size: 7 },
        ...(syncKey !== undefined ? { sync: { key: syncKey } } : {}),
      },
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const span = live.current.timeRange;
            return span ? [span.from, span.to] : [min, max];
          },
        },
        y: { range: (_u, min, max) => yRange(min, max, yMin, yMax) },
      },
      axes: [
        { ...axis, space: 60 },
        {
          ...axis,
          incrs: axisIncrements(unit),
          values: (_u, ticks) => ticks.map((tick) => formatMetricValue(tick, unit)),
          size: (_u, values) => axisWidth(values, font),
        },
      ],
      series: [
        {},
        ...labels.map((label, i) => ({
          label,
          stroke: colors[i],
          width: 1.5,
          show: !live.current.hidden.has(label),
          value: (_u: uPlot, v: number | null) => formatMetricValue(v, unit),
        })),
      ],
      hooks: {
        setCursor: [(u) => setCursorIndex(u.cursor.idx ?? null)],
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            live.current.onZoom?.({ from, to });
          },
        ],
      },
    };
    const chart = new uPlot(options, toUplotData(live.current.aligned), element);
    chartRef.current = chart;
    const observer = new ResizeObserver(() => {
      const width = Math.max(element.clientWidth, 100);
      if (width !== chart.width) chart.setSize({ width, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [shapeKey]);

  useEffect(() => {
    chartRef.current?.setData(toUplotData(aligned));
  }, [aligned]);

  // A new time range over the same data (the next range still loading) must still move the x-axis.
  const spanFrom = timeRange?.from;
  const spanTo = timeRange?.to;
  useEffect(() => {
    const chart = chartRef.current;
    if (chart && spanFrom !== undefined && spanTo !== undefined) chart.setScale('x', { min: spanFrom, max: spanTo });
  }, [spanFrom, spanTo]);

  const toggle = (label: string) => {
    const next = new Set(hidden);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    setHidden(next);
    const index = labels.indexOf(label);
    chartRef.current?.setSeries(index + 1, { show: !next.has(label) });
  };

  const hovering = cursorIndex !== null && cursorIndex < aligned.times.length;
  const entries = series.map((s, i) => ({
    label: s.label,
    color: colors[i] ?? 'gray',
    value: formatMetricValue(hovering ? (aligned.values[i]?.[cursorIndex] ?? null) : lastValue(aligned.values[i] ?? []), unit),
    hidden: hidden.has(s.label),
  }));
  const empty = aligned.times.length === 0;

  return (
    <Box data-testid={testId} data-empty={empty || undefined}>
      <Box pos="relative" style={{ minHeight: height }}>
        <div ref={plotRef} role="img" aria-label={ariaLabel} style={{ width: '100%' }} />
        {empty && (
          <Text
            c="dimmed"
            size="sm"
            pos="absolute"
            inset={0}
            style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', pointerEvents: 'none' }}
          >
            {emptyText}
          </Text>
        )}
      </Box>
      {!empty && <ChartLegend time={hovering ? (aligned.times[cursorIndex] ?? null) : null} entries={entries} onToggle={toggle} />}
    </Box>
  );
}
