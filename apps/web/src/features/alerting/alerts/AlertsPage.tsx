import type { AlertEpisode, AlertListQuery } from '@estate/contract';
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { HorizontalScroll } from '../../../components/HorizontalScroll';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { useMe } from '../../auth/use-me';
import { formatRelative } from '../../inventory/ci-labels';
import { AlertBadges } from './AlertBadges';
import { groupByName, shownLabels } from './alert-format';
import { alertSummaryQuery, alertsListQuery } from './alerting-queries';

type StateTab = NonNullable<AlertListQuery['state']>;

/** Alerts: the active ones grouped by name (firing first), with what holds each back; resolved ones on their tab. */
export function AlertsPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Alerts />;
}

function Alerts() {
  const api = useApi();
  const [state, setState] = useState<StateTab>('active');
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const summary = useQuery(alertSummaryQuery(api));
  const list = usePagedQuery(alertsListQuery(api, { state, ...(q ? { q } : {}) }));
  const groups = groupByName(list.items);

  return (
    <>
      <PageHeader
        title="Alerts"
        description="What the alert rules raise: pending until their `for` passes, then firing until the condition clears."
        actions={
          <Button variant="default" renderRoot={(props) => <Link {...props} to="/alerts/rules" />} data-testid="alert-rules-link">
            Alert rules
          </Button>
        }
      />
      <Group gap="xs" mb="sm" data-testid="alert-summary">
        {(
          [
            ['firing', 'Firing', 'red'],
            ['pending', 'Pending', 'yellow'],
            ['acknowledged', 'Acknowledged', 'blue'],
            ['suppressed', 'Held back', 'gray'],
          ] as const
        ).map(([key, label, color]) => (
          <Paper
            key={key}
            withBorder
            px="sm"
            py={6}
            radius="md"
            style={{ flex: '1 1 110px', maxWidth: 180, borderLeft: `4px solid var(--mantine-color-${color}-filled)` }}
          >
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fw={700} size="lg" data-testid={`alert-summary-${key}`}>
              {summary.data ? summary.data[key] : '–'}
            </Text>
          </Paper>
        ))}
      </Group>
      <Group gap="sm" mb="sm" wrap="wrap">
        <SegmentedControl
          value={state}
          onChange={(v) => setState(v as StateTab)}
          data={[
            { value: 'active', label: 'Active' },
            { value: 'firing', label: 'Firing' },
            { value: 'pending', label: 'Pending' },
            { value: 'resolved', label: 'Resolved' },
          ]}
          data-testid="alert-state-filter"
        />
        <TextInput
          placeholder="Search names and labels"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          aria-label="Search alerts"
          style={{ flex: '1 1 200px', maxWidth: 360 }}
        />
      </Group>
      <ProblemAlert error={list.error ?? summary.error} />
      {!list.isPending && list.items.length === 0 && (
        <Paper withBorder p="lg" radius="md" data-testid="alerts-empty">
          <Text c="dimmed">
            {state === 'resolved' ? 'No resolved alerts.' : q ? 'No alert matches.' : 'Nothing is alerting. All quiet.'}
          </Text>
        </Paper>
      )}
      <Stack gap="md" data-testid="alert-groups">
        {groups.map((group) => (
          <Paper key={group.name} withBorder radius="md" p="sm" data-testid="alert-group" data-name={group.name}>
            <Group gap="xs" mb={6}>
              <Title order={4} fz="h5">
                {group.name}
              </Title>
              <Badge variant="default" size="sm">
                {group.alerts.length}
              </Badge>
            </Group>
            <HorizontalScroll minWidth={640}>
              <Table verticalSpacing={4}>
                <Table.Tbody>
                  {group.alerts.map((alert) => (
                    <AlertRow key={alert.id} alert={alert} />
                  ))}
                </Table.Tbody>
              </Table>
            </HorizontalScroll>
          </Paper>
        ))}
      </Stack>
      <LoadMoreButton list={list} />
    </>
  );
}

function AlertRow({ alert }: { alert: AlertEpisode }) {
  const since = alert.state === 'resolved' ? alert.resolvedAt : (alert.firedAt ?? alert.activeAt);
  return (
    <Table.Tr data-testid="alert-row" data-state={alert.state}>
      <Table.Td w={260}>
        <AlertBadges alert={alert} />
      </Table.Td>
      <Table.Td>
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts/$id" params={{ id: alert.id }} />} size="sm" data-testid="alert-link">
          {alert.annotations.summary || alert.name}
        </Anchor>
        {alert.suppressedBy && alert.state === 'firing' && alert.suppressedBy.kind !== 'acknowledged' && (
          <Text size="xs" c="dimmed" data-testid="alert-cause">
            {alert.suppressedBy.kind === 'dependency' ? `Held back: ${alert.suppressedBy.reason}` : alert.suppressedBy.reason}
          </Text>
        )}
        <Group gap={4} mt={2}>
          {shownLabels(alert.labels)
            .slice(0, 4)
            .map(([k, v]) => (
              <Badge key={k} variant="default" size="xs" tt="none">
                {k}={v}
              </Badge>
            ))}
        </Group>
      </Table.Td>
      <Table.Td w={120}>
        <Text size="sm" c="dimmed">
          {since === null ? '' : formatRelative(since)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
