import { isApiError } from '@estate/client';
import { ProblemType } from '@estate/contract';
import { Alert, Badge, Button, Center, CloseButton, Code, Grid, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyableSecret } from '../../components/CopyableSecret';
import { formatDateTime } from '../../components/format-time';
import { NoPermission } from '../../components/NoPermission';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { TimeSeriesChart } from '../../components/TimeSeriesChart';
import { useMe } from '../auth/use-me';
import { CiLink } from '../inventory/CiLink';
import { formatRelative } from '../inventory/ci-labels';
import { CheckAgentLine } from './CheckAgentLine';
import { ResultsTable, StateTimeline } from './CheckHistoryPanels';
import { CheckResultView } from './CheckResultView';
import { CheckStateBadge } from './CheckStateBadge';
import { checkTypeLabel, latencyPoints, latencySpan, pushExpectation } from './check-format';
import { checkHistoryQuery, checkQuery, checkResultsQuery, checkUptimeQuery, MONITORING_QUERY_KEY } from './monitoring-queries';
import { ResponseTimePanel } from './ResponseTimePanel';
import { UptimeBars } from './UptimeBars';
import { UptimeCards } from './UptimeCards';
import { useCheckEvents } from './use-check-events';

/** One check: its state and since when, uptime, latency, state changes and last results; run it now, edit, pause, delete. */
export function CheckDetailPage() {
  const me = useMe();
  const { id } = useRouteParams('/checks/$id');
  if (!can(me, 'monitoring:read')) return <NoPermission permission="monitoring:read" />;
  return <CheckDetail key={id} id={id} canWrite={can(me, 'monitoring:write')} canReadMetrics={can(me, 'metrics:read')} />;
}

function CheckDetail({ id, canWrite, canReadMetrics }: { id: string; canWrite: boolean; canReadMetrics: boolean }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const refetchInterval = useCheckEvents();
  const check = useQuery({ ...checkQuery(api, id), refetchInterval });
  const results = useQuery({ ...checkResultsQuery(api, id), refetchInterval });
  const history = usePagedQuery({ ...checkHistoryQuery(api, id), refetchInterval });
  const uptime = useQuery({
    ...checkUptimeQuery(api, id, check.data?.value.status.since ?? null),
    enabled: check.data !== undefined,
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
  const runNow = useMutation({ mutationFn: () => api.runCheck(id), onSuccess: refresh });
  const toggle = useMutation({
    mutationFn: ({ enabled, etag }: { enabled: boolean; etag: string }) => api.updateCheck(id, { enabled }, etag),
    onSuccess: refresh,
  });
  const latency = useMemo(() => [{ label: 'duration', points: latencyPoints(results.data?.items ?? []) }], [results.data]);
  const interval = check.data?.value.intervalSeconds ?? 60;
  const span = latencySpan(latency[0]?.points ?? [], interval * 4);

  if (check.error) {
    return isApiError(check.error, ProblemType.notFound) ? (
      <Alert color="orange" title="Not found" data-testid="check-not-found">
        This check does not exist or was deleted. <Link to="/checks">Back to the checks</Link>
      </Alert>
    ) : (
      <ProblemAlert error={check.error} />
    );
  }
  if (!check.data) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  const { value, etag } = check.data;
  const { status } = value;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={6} miw={0}>
          <Text size="sm">
            <Link to="/checks">Monitoring</Link> / {checkTypeLabel(value.type)}
          </Text>
          <Title order={2} style={{ wordBreak: 'break-word' }} data-testid="check-title">
            {value.name}
          </Title>
          <Group gap={6}>
            <CheckStateBadge state={status.state} disabled={!value.enabled} size="lg" data-testid="check-detail-state" />
            {status.flapping && (
              <Badge color="orange" variant="outline">
                flapping
              </Badge>
            )}
            <Text size="sm" c="dimmed" data-testid="check-since">
              {status.since === null ? 'not run yet' : `since ${formatDateTime(status.since)} (${formatRelative(status.since)})`}
            </Text>
          </Group>
          {value.pushToken ? (
            <Stack gap={4} data-testid="check-push-url">
              <Text size="sm">
                The job pings this URL when it succeeds (add <Code>/start</Code> when it begins, <Code>/fail</Code> or{' '}
                <Code>/{'{exit code}'}</Code> when it ends):
              </Text>
              <CopyableSecret
                value={`${window.location.origin}/api/v1/push/${value.pushToken}`}
                label="Ping URL"
                testId="check-push-url-value"
              />
            </Stack>
          ) : (
            <Text size="sm" style={{ wordBreak: 'break-all' }} data-testid="check-target">
              {value.target}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {value.pushToken
              ? `expects a ping ${pushExpectation(value.config)}`
              : `every ${value.intervalSeconds} s · timeout ${value.timeoutSeconds} s · ${value.retries} retries`}
            {status.lastRunAt !== null ? ` · last run ${formatRelative(status.lastRunAt)}` : ''}
          </Text>
          {value.agentId !== null && <CheckAgentLine agentId={value.agentId} type={value.type} />}
          {value.ciIds.length > 0 && (
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                Watches
              </Text>
              {value.ciIds.map((ciId) => (
                <CiLink key={ciId} id={ciId} />
              ))}
            </Group>
          )}
        </Stack>
        {canWrite && (
          <Group gap="xs">
            {!value.pushToken && value.agentId === null && (
              <Button onClick={() => runNow.mutate()} loading={runNow.isPending} data-testid="check-run">
                Run now
              </Button>
            )}
            <Button
              variant="default"
              renderRoot={(props) => <Link {...props} to="/checks/$id/edit" params={{ id }} />}
              data-testid="check-edit"
            >
              Edit
            </Button>
            <Button
              variant="default"
              onClick={() => toggle.mutate({ enabled: !value.enabled, etag: etag ?? '' })}
              loading={toggle.isPending}
              data-testid="check-toggle"
            >
              {value.enabled ? 'Disable' : 'Enable'}
            </Button>
            <ConfirmButton
              label="Delete"
              size="sm"
              title={`Delete ${value.name}?`}
              message="The check, its results and its state history are deleted."
              confirmLabel="Delete"
              onConfirm={async () => {
                await api.deleteCheck(id, etag ?? '');
                notifications.show({ color: 'teal', title: 'Deleted', message: `${value.name} was deleted.` });
                await refresh();
                await navigate({ to: '/checks' });
              }}
              data-testid="check-delete"
            />
          </Group>
        )}
      </Group>
      <ProblemAlert error={runNow.error ?? toggle.error} />
      {runNow.data && (
        <Paper withBorder p="sm" radius="md" data-testid="run-result-card">
          <Group justify="space-between" mb="xs">
            <Title order={3} fz="h5">
              Run now
            </Title>
            <CloseButton aria-label="Hide the result" onClick={() => runNow.reset()} />
          </Group>
          <CheckResultView result={runNow.data.result} showTime data-testid="run-result" />
        </Paper>
      )}
      <ProblemAlert error={uptime.error} />
      <UptimeBars days={uptime.data?.days} />
      <UptimeCards periods={uptime.data?.periods} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <SectionCard title="Latency" description="How long each of the last runs took.">
            <TimeSeriesChart
              series={latency}
              unit="seconds"
              yMin={0}
              height={180}
              {...(span ? { timeRange: span } : {})}
              emptyText="No runs yet"
              aria-label="Run duration"
              data-testid="latency-chart"
            />
          </SectionCard>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <SectionCard title="State changes" data-testid="check-history-card">
            <ProblemAlert error={history.error} />
            <StateTimeline history={history} />
          </SectionCard>
        </Grid.Col>
      </Grid>
      {canReadMetrics && <ResponseTimePanel checkId={id} />}
      <SectionCard title="Last results">
        <ProblemAlert error={results.error} />
        <ResultsTable results={results.data?.items ?? []} loading={results.isPending} />
      </SectionCard>
    </Stack>
  );
}
