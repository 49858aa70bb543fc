import type { UptimePeriod } from '@estate/contract';
import { Paper, SimpleGrid, Text } from '@mantine/core';
import { plural } from '../../components/plural';
import { formatSpan, formatUptime, uptimePeriodLabel } from './check-format';

/** A check's uptime over each period: the percentage with three decimals, the time down and how often it went down. */
export function UptimeCards({ periods }: { periods: readonly UptimePeriod[] | undefined }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="uptime">
      {(periods ?? []).map((period) => (
        <Paper key={period.label} withBorder p="sm" radius="md" data-testid={`uptime-${period.label}`}>
          <Text size="xs" c="dimmed">
            {uptimePeriodLabel(period.label)}
          </Text>
          <Text fw={700} fz="xl" data-testid="uptime-ratio">
            {formatUptime(period.ratio)}
          </Text>
          <Text size="xs" c={period.downMs > 0 ? 'red' : 'dimmed'} data-testid="uptime-down">
            {period.downMs > 0 ? `down ${formatSpan(period.downMs)} · ${plural(period.incidents, 'incident')}` : 'no down time'}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}
