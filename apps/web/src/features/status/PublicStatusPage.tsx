import type { ComponentState, StatusView } from '@estate/contract';
import { Alert, Badge, Box, Card, Center, Container, Group, Loader, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { ProblemAlert } from '../../components/ProblemAlert';
import { publicStatusApi } from './public-status-api';

const api = publicStatusApi();

const STATE_LABEL: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  outage: 'Outage',
  maintenance: 'Under maintenance',
  unknown: 'Unknown',
};
const STATE_COLOR: Record<ComponentState, string> = {
  operational: 'green',
  degraded: 'yellow',
  outage: 'red',
  maintenance: 'blue',
  unknown: 'gray',
};
const BANNER: Record<ComponentState, string> = {
  operational: 'All systems operational',
  degraded: 'Some systems are degraded',
  outage: 'Some systems are down',
  maintenance: 'Maintenance in progress',
  unknown: 'Status unknown',
};
const DAY_COLOR: Record<string, string> = {
  operational: 'var(--mantine-color-green-6)',
  degraded: 'var(--mantine-color-yellow-6)',
  outage: 'var(--mantine-color-red-7)',
  // Days without data recede on both schemes (gray-4 glares on a dark page).
  unknown: 'light-dark(var(--mantine-color-gray-3), var(--mantine-color-dark-4))',
};

/** A public status page at /status/$slug: renders signed out, from the public view only. Refreshes every 30 s. */
export function PublicStatusPage() {
  const { slug } = useParams({ from: '/status/$slug' });
  const view = useQuery({ queryKey: ['public-status', slug], queryFn: () => api.view(slug), retry: false, refetchInterval: 30_000 });
  return (
    <Container size="md" py="xl">
      {view.error && <ProblemAlert error={view.error} />}
      {!view.data && !view.error && (
        <Center>
          <Loader size="sm" />
        </Center>
      )}
      {view.data && <StatusBody view={view.data} />}
    </Container>
  );
}

function StatusBody({ view }: { view: StatusView }) {
  const groups = [...new Set(view.components.map((c) => c.group))];
  return (
    <Stack gap="lg">
      <div>
        <Title order={1} data-testid="status-title">
          {view.title}
        </Title>
        {view.description && <Text c="dimmed">{view.description}</Text>}
      </div>
      <Alert
        color={STATE_COLOR[view.overall]}
        variant="filled"
        data-testid="status-banner"
        data-state={view.overall}
        title={BANNER[view.overall]}
      >
        Updated {new Date(view.at).toLocaleString()}
      </Alert>
      {view.maintenance.length > 0 && (
        <Card withBorder data-testid="status-maintenance">
          <Title order={3} mb="sm">
            Maintenance
          </Title>
          <Stack gap="xs">
            {view.maintenance.map((m) => (
              <div key={`${m.title}-${m.start}`} data-testid="status-maintenance-item">
                <Group gap="xs">
                  <Badge color={m.active ? 'blue' : 'gray'}>{m.active ? 'In progress' : 'Scheduled'}</Badge>
                  <Text fw={600}>{m.title}</Text>
                </Group>
                <Text size="sm" c="dimmed">
                  {new Date(m.start).toLocaleString()} – {new Date(m.end).toLocaleString()} · {m.components.join(', ')}
                </Text>
              </div>
            ))}
          </Stack>
        </Card>
      )}
      {groups.map((group) => (
        <Card withBorder key={group || '-'}>
          {group && (
            <Title order={3} mb="sm">
              {group}
            </Title>
          )}
          <Stack gap="md">
            {view.components
              .filter((c) => c.group === group)
              .map((c) => (
                <div key={c.name} data-testid="status-component" data-state={c.state}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600}>{c.name}</Text>
                    <Badge color={STATE_COLOR[c.state]}>{STATE_LABEL[c.state]}</Badge>
                  </Group>
                  <Group
                    gap={1}
                    wrap="nowrap"
                    h={28}
                    mt={6}
                    align="stretch"
                    role="list"
                    aria-label={`${c.name}: uptime of the last 90 days`}
                    data-testid="status-uptime"
                  >
                    {c.uptime.map((d) => {
                      const label = `${d.day}: ${d.ratio === null ? 'no data' : `${(d.ratio * 100).toFixed(2)}%`}`;
                      return (
                        <Tooltip key={d.day} label={label} withArrow openDelay={50}>
                          <Box
                            role="listitem"
                            aria-label={label}
                            style={{ flex: 1, minWidth: 1, borderRadius: 1, background: DAY_COLOR[d.worst] }}
                          />
                        </Tooltip>
                      );
                    })}
                  </Group>
                  <Group justify="space-between" mt={2}>
                    <Text size="xs" c="dimmed">
                      90 days ago
                    </Text>
                    <Text size="xs" c="dimmed">
                      {c.uptimeRatio === null ? '—' : `${(c.uptimeRatio * 100).toFixed(2)}% uptime`}
                    </Text>
                    <Text size="xs" c="dimmed">
                      today
                    </Text>
                  </Group>
                </div>
              ))}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
