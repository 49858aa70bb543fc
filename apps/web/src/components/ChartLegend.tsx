import { Box, Group, Text, UnstyledButton } from '@mantine/core';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** One series' line in a chart's legend. */
export interface ChartLegendEntry {
  label: string;
  color: string;
  /** The value to show, already formatted in the chart's unit. */
  value: string;
  hidden: boolean;
}

/** Props of `ChartLegend`. */
export interface ChartLegendProps {
  /** The time under the cursor in epoch seconds, or null while nothing is hovered (the values are the latest). */
  time: number | null;
  entries: readonly ChartLegendEntry[];
  /** Hides or shows the series with this label. */
  onToggle: (label: string) => void;
}

/**
 * The readout under a `TimeSeriesChart`: when the values were taken, then each series' colour, label and value.
 * Entries wrap onto more lines on a narrow screen instead of widening the page.
 */
export function ChartLegend({ time, entries, onToggle }: ChartLegendProps) {
  return (
    <Box mt={4} data-testid="chart-legend">
      <Text size="xs" c="dimmed" data-testid="chart-legend-time">
        {time === null ? 'Latest' : timeFormat.format(time * 1000)}
      </Text>
      <Group gap="xs" style={{ rowGap: 2 }}>
        {entries.map((entry) => (
          <UnstyledButton
            key={entry.label}
            onClick={() => onToggle(entry.label)}
            aria-pressed={!entry.hidden}
            title={entry.hidden ? `Show ${entry.label}` : `Hide ${entry.label}`}
            style={{ opacity: entry.hidden ? 0.4 : 1, maxWidth: '100%' }}
            data-testid="chart-legend-item"
          >
            <Group gap={6} wrap="nowrap">
              <Box w={10} h={10} style={{ background: entry.color, borderRadius: 2, flex: 'none' }} />
              <Text size="xs" truncate>
                {entry.label}
              </Text>
              <Text size="xs" fw={600} ff="monospace" style={{ whiteSpace: 'nowrap' }} data-testid="chart-legend-value">
                {entry.value}
              </Text>
            </Group>
          </UnstyledButton>
        ))}
      </Group>
    </Box>
  );
}
