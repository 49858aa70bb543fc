import { isApiError } from '@estate/client';
import type { AlertDetail } from '@estate/contract';
import { labelsAsMatchers, ProblemType } from '@estate/contract';
import { Alert, Anchor, Button, Center, Code, Group, Loader, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteParams } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { formatDateTime } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { formatRelative } from '../../inventory/ci-labels';
import { AlertBadges } from './AlertBadges';
import { ALERTING_QUERY_KEY, alertQuery } from './alerting-queries';

const EVENT_LABELS: Record<string, string> = {
  pending: 'Condition met (pending)',
  firing: 'Firing',
  resolved: 'Resolved',
  acknowledged: 'Acknowledged',
  notified: 'Notification sent',
  'recovery-notified': 'Recovery sent',
  suppressed: 'Notifications held back',
  unsuppressed: 'No longer held back',
};

/** One alert: what it is about, its labels and annotations, acknowledge or resolve, and its timeline. */
export function AlertDetailPage() {
  const me = useMe();
  const { id } = useRouteParams('/alerts/$id');
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <AlertView key={id} id={id} canWrite={can(me, 'alerting:write')} />;
}

function AlertView({ id, canWrite }: { id: string; canWrite: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const detail = useQuery(alertQuery(api, id));
  const [comment, setComment] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ALERTING_QUERY_KEY });
  const acknowledge = useMutation({ mutationFn: () => api.acknowledgeAlert(id, comment || undefined), onSuccess: refresh });
  const resolve = useMutation({ mutationFn: () => api.resolveAlert(id, comment || undefined), onSuccess: refresh });

  if (detail.error) {
    return isApiError(detail.error, ProblemType.notFound) ? (
      <Alert color="orange" title="Not found" data-testid="alert-not-found">
        This alert does not exist. <Link to="/alerts">Back to the alerts</Link>
      </Alert>
    ) : (
      <ProblemAlert error={detail.error} />
    );
  }
  if (!detail.data) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  const { alert, timeline, previous } = detail.data as AlertDetail;
  const open = alert.state !== 'resolved';
  const fromRule = alert.source.startsWith('rule:');

  return (
    <Stack gap="md">
      <Stack gap={6}>
        <Text size="sm">
          <Link to="/alerts">Alerts</Link> / {alert.name}
        </Text>
        <Title order={2} style={{ wordBreak: 'break-word' }} data-testid="alert-title">
          {alert.annotations.summary || alert.name}
        </Title>
        <Group gap="xs">
          <AlertBadges alert={alert} size="lg" />
          <Text size="sm" c="dimmed" data-testid="alert-since">
            active since {formatDateTime(alert.activeAt)} ({formatRelative(alert.activeAt)})
            {alert.resolvedAt !== null && `, resolved ${formatDateTime(alert.resolvedAt)}`}
          </Text>
        </Group>
        {alert.suppressedBy && alert.state === 'firing' && (
          <Text size="sm" data-testid="alert-suppression">
            Notifications are held back: {alert.suppressedBy.reason}.
          </Text>
        )}
        {alert.annotations.description && <Text size="sm">{alert.annotations.description}</Text>}
        {alert.annotations.runbook_url && (
          <Anchor href={alert.annotations.runbook_url} target="_blank" rel="noreferrer noopener" size="sm">
            Runbook
          </Anchor>
        )}
      </Stack>

      {canWrite && open && (
        <SectionCard title="Act on it" data-testid="alert-actions">
          <Textarea
            label="Comment (optional)"
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            autosize
            minRows={1}
            maxLength={2000}
          />
          <Group gap="xs">
            <Button
              onClick={() => acknowledge.mutate()}
              loading={acknowledge.isPending}
              disabled={alert.acknowledgedAt !== null}
              data-testid="alert-acknowledge"
            >
              {alert.acknowledgedAt !== null ? 'Acknowledged' : 'Acknowledge'}
            </Button>
            {!fromRule && (
              <Button variant="default" onClick={() => resolve.mutate()} loading={resolve.isPending} data-testid="alert-resolve">
                Resolve
              </Button>
            )}
            <Button
              variant="default"
              component="a"
              href={`/alerting/silences?matchers=${encodeURIComponent(labelsAsMatchers(alert.labels))}`}
              data-testid="alert-silence"
            >
              Silence…
            </Button>
          </Group>
          {fromRule && (
            <Text size="xs" c="dimmed">
              This alert comes from a rule: it resolves by itself when the rule stops returning it. Acknowledging stops repeats and
              escalation.
            </Text>
          )}
          <ProblemAlert error={acknowledge.error ?? resolve.error} />
        </SectionCard>
      )}

      <SectionCard title="Labels and annotations">
        <Table data-testid="alert-labels">
          <Table.Tbody>
            {Object.entries(alert.labels).map(([k, v]) => (
              <Table.Tr key={`l-${k}`}>
                <Table.Td w={200}>
                  <Code>{k}</Code>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
              </Table.Tr>
            ))}
            {Object.entries(alert.annotations).map(([k, v]) => (
              <Table.Tr key={`a-${k}`}>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {k}
                  </Text>
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-word' }}>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          {fromRule && alert.ruleGroupId ? (
            <>
              Raised by the rule {alert.name} of{' '}
              <Link to="/alerts/rules/$id" params={{ id: alert.ruleGroupId }}>
                its rule group
              </Link>{' '}
              (version {alert.ruleVersion}).
            </>
          ) : (
            `Sent in by ${alert.source}.`
          )}{' '}
          Fingerprint {alert.fingerprint}.
        </Text>
      </SectionCard>

      <SectionCard title="Timeline" data-testid="alert-timeline">
        <Timeline bulletSize={14} lineWidth={2}>
          {timeline.map((event) => (
            <Timeline.Item
              key={`${event.at}\u0000${event.kind}\u0000${JSON.stringify(event.detail)}`}
              title={EVENT_LABELS[event.kind] ?? event.kind}
              data-kind={event.kind}
            >
              <Text size="xs" c="dimmed">
                {formatDateTime(event.at)}
                {event.actor ? ` · ${event.actor}` : ''}
                {typeof event.detail.receiver === 'string' ? ` · to ${event.detail.receiver}` : ''}
                {typeof event.detail.reason === 'string' ? ` · ${event.detail.reason}` : ''}
                {typeof event.detail.comment === 'string' ? ` · “${event.detail.comment}”` : ''}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      </SectionCard>

      {previous.length > 0 && (
        <SectionCard title="Earlier episodes">
          <Stack gap={2}>
            {previous.map((p) => (
              <Anchor key={p.id} renderRoot={(props) => <Link {...props} to="/alerts/$id" params={{ id: p.id }} />} size="sm">
                {formatDateTime(p.activeAt)} – {p.resolvedAt === null ? 'open' : formatDateTime(p.resolvedAt)}
              </Anchor>
            ))}
          </Stack>
        </SectionCard>
      )}
    </Stack>
  );
}
