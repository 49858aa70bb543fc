import { Alert, Anchor, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';
import { HOST_PANELS, type HostPanel } from './host-panels';
import { ciHasMetricsQuery, hostPanelQuery } from './metrics-queries';
import { type MetricsRange, type ResolvedRange, resolveRange } from './metrics-range';
import { RangePicker } from './RangePicker';

/** How often a range ending "now" moves on, in ms. */
const TICK_MS = 60_000;

/** Props of `HostMetricsPanel`. */
export interface HostMetricsPanelProps {
  ciId: string;
}

/**
 * The Metrics tab of a host's CI page: a range picker over graphs of CPU, load, memory, swap, filesystems, disk and
 * network, from the series the host's agent reports. Says how to start collecting when there are none.
 */
export function HostMetricsPanel({ ciId }: HostMetricsPanelProps) {
  const hasSeries = useQuery(ciHasMetricsQuery(ciId));
  const [range, setRange] = useState<MetricsRange>({ kind: 'preset', preset: '1h' });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (range.kind !== 'preset') return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [range.kind]);
  // A new preset starts from the present, not from the last tick.
  const resolved = useMemo(() => resolveRange(range, range.kind === 'preset' ? Math.max(now, Date.now()) : now), [range, now]);

  if (hasSeries.error) return <ProblemAlert error={hasSeries.error} />;
  if (hasSeries.data === undefined) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  if (!hasSeries.data) {
    return (
      <Alert color="gray" title="No metrics yet — install the agent" data-testid="metrics-empty">
        <Text size="sm">
          Graphs of CPU, memory, disks and network appear here once an agent on this host reports.{' '}
          <Anchor component={Link} to="/agents" size="sm">
            Install and enroll an agent
          </Anchor>
          .
        </Text>
      </Alert>
    );
  }
  return (
    <Stack gap="md" data-testid="host-metrics">
      <RangePicker value={range} onChange={setRange} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        {HOST_PANELS.map((panel) => (
          <PanelCard
            key={panel.id}
            ciId={ciId}
            panel={panel}
            range={resolved}
            onZoom={(span) => setRange({ kind: 'custom', from: Math.floor(span.from), to: Math.ceil(span.to) })}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}

interface PanelCardProps {
  ciId: string;
  panel: HostPanel;
  range: ResolvedRange;
  onZoom: (span: { from: number; to: number }) => void;
}

/** One graph in a bordered card, titled, with its loading and failure states. */
function PanelCard({ ciId, panel, range, onZoom }: PanelCardProps) {
  const query = useQuery(hostPanelQuery(ciId, panel, range));
  const timeRange = useMemo(() => ({ from: range.start, to: range.end }), [range.start, range.end]);
  return (
    <Paper withBorder p="sm" radius="md" miw={0} data-testid={`metrics-panel-${panel.id}`}>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Title order={4} fz="sm">
          {panel.title}
        </Title>
        {query.isFetching && <Loader size={12} />}
      </Group>
      {query.error ? (
        <ProblemAlert error={query.error} />
      ) : query.data ? (
        <TimeSeriesChart
          series={query.data}
          unit={panel.unit}
          yMin={panel.yMin}
          yMax={panel.yMax}
          height={180}
          timeRange={timeRange}
          onZoom={onZoom}
          syncKey={`host-metrics-${ciId}`}
          aria-label={panel.title}
        />
      ) : (
        <Center h={180}>
          <Loader size="sm" />
        </Center>
      )}
    </Paper>
  );
}
