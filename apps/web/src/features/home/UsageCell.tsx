import { Group, Progress, Text } from '@mantine/core';
import { formatMetricValue } from '../../components/metric-units';

/** The colour of a usage bar: calm below 70 %, a warning to 90 %, alarming above. */
export function usageColor(ratio: number): string {
  return ratio >= 0.9 ? 'red' : ratio >= 0.7 ? 'yellow' : 'teal';
}

/** Props of `UsageCell`. */
export interface UsageCellProps {
  /** Used share, 0–1; null when the host did not report it. */
  ratio: number | null;
  /** A second line under the bar, e.g. the mountpoint. */
  note?: string | undefined;
  'data-testid'?: string;
}

/** A percentage with a short bar coloured by how full it is; a dash when unknown. */
export function UsageCell({ ratio, note, 'data-testid': testId }: UsageCellProps) {
  if (ratio === null) {
    return (
      <Text size="sm" c="dimmed" data-testid={testId}>
        –
      </Text>
    );
  }
  return (
    <div data-testid={testId}>
      <Group gap={8} wrap="nowrap">
        {/* On a phone the number alone keeps every column in view. */}
        <Progress value={Math.min(100, Math.max(0, ratio * 100))} color={usageColor(ratio)} w={56} size="sm" visibleFrom="sm" aria-hidden />
        <Text size="sm" ff="monospace" c={ratio >= 0.9 ? 'red' : undefined} style={{ whiteSpace: 'nowrap' }}>
          {formatMetricValue(ratio, 'ratio')}
        </Text>
      </Group>
      {note && (
        <Text size="xs" c="dimmed" ff="monospace" truncate>
          {note}
        </Text>
      )}
    </div>
  );
}
