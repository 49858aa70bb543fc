import type { AlertRouting } from '@estate/contract';
import { Badge, Code, Group, Stack, Text } from '@mantine/core';

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** The route tree, indented by depth: each route's matchers, receiver, grouping, timers and time intervals. */
export function RoutingTree({ routing }: { routing: AlertRouting }) {
  return (
    <Stack gap={4} data-testid="routing-tree">
      {routing.routes.map((route) => (
        <Group
          key={route.path}
          gap={6}
          pl={route.depth * 24}
          wrap="wrap"
          data-testid="routing-node"
          data-path={route.path}
          style={{ borderLeft: route.depth > 0 ? '2px solid var(--mantine-color-gray-3)' : undefined }}
        >
          <Code>{route.depth === 0 ? 'root' : route.matchers}</Code>
          <Text size="sm">→</Text>
          <Badge variant="light" styles={{ label: { textTransform: 'none' } }}>
            {route.receiver}
          </Badge>
          {route.continue && (
            <Badge variant="outline" color="grape" size="sm">
              continue
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            group by {route.groupByAll ? 'every label' : route.groupBy.join(', ') || 'nothing'} · wait {duration(route.groupWaitMs)} ·
            interval {duration(route.groupIntervalMs)} · repeat {duration(route.repeatIntervalMs)}
          </Text>
          {route.muteTimeIntervals.length > 0 && (
            <Badge variant="outline" color="gray" size="sm">
              muted: {route.muteTimeIntervals.join(', ')}
            </Badge>
          )}
          {route.activeTimeIntervals.length > 0 && (
            <Badge variant="outline" color="teal" size="sm">
              active: {route.activeTimeIntervals.join(', ')}
            </Badge>
          )}
        </Group>
      ))}
      {routing.inhibitRules.length > 0 && (
        <Stack gap={2} mt="sm">
          <Text size="sm" fw={500}>
            Inhibit rules
          </Text>
          {routing.inhibitRules.map((rule) => (
            <Text key={`${rule.source}${rule.target}${rule.equal.join()}`} size="xs">
              <Code>{rule.source}</Code> mutes <Code>{rule.target}</Code>
              {rule.equal.length > 0 && <> when equal on {rule.equal.join(', ')}</>}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
