import type { UptimePeriod } from '@estate/contract';
import { Box, Group, Paper, Text, Tooltip } from '@mantine/core';
import { plural } from '../../components/plural';
import { formatSpan, formatUptime, uptimeBarTone } from './check-format';

const TONE_COLOR: Record<ReturnType<typeof uptimeBarTone>, string> = {
  none: 'var(--mantine-color-gray-4)',
  good: 'var(--mantine-color-green-6)',
  fair: 'var(--mantine-color-yellow-6)',
  poor: 'var(--mantine-color-orange-6)',
  bad: 'var(--mantine-color-red-7)',
};

/** One bar per day, oldest first, coloured by that day's uptime, with the figures on hover or focus. */
export function UptimeBars({ days }: { days: readonly UptimePeriod[] | undefined }) {
  if (!days || days.length === 0) return null;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="uptime-bars">
      <Group gap={1} wrap="nowrap" h={34} align="stretch" role="list" aria-label={`Uptime of the last ${days.length} days`}>
        {days.map((day) => {
          const tone = uptimeBarTone(day.ratio);
          const label =
            day.ratio === null
              ? `${day.label}: no data`
              : `${day.label}: ${formatUptime(day.ratio)}${day.downMs > 0 ? `, down ${formatSpan(day.downMs)} (${plural(day.incidents, 'incident')})` : ''}`;
          return (
            <Tooltip key={day.label} label={label} withArrow openDelay={50}>
              <Box
                role="listitem"
                tabIndex={0}
                aria-label={label}
                data-tone={tone}
                style={{ flex: 1, minWidth: 1, borderRadius: 1, background: TONE_COLOR[tone] }}
              />
            </Tooltip>
          );
        })}
      </Group>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed">
          {plural(days.length, 'day')} ago
        </Text>
        <Text size="xs" c="dimmed">
          today (UTC days)
        </Text>
      </Group>
    </Paper>
  );
}
