import type { DiscoveryScan } from '@estate/contract';
import { Anchor, Button, Group, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { plural } from '../../components/plural';
import { useMe } from '../auth/use-me';
import { DISCOVERY_QUERY_KEY, scansQuery } from './discovery-queries';
import { RunStatusBadge, scheduleLabel } from './RunStatusBadge';
import { ScanFormModal } from './ScanFormModal';

/** Network discovery: the scans, with their schedule and last run; create a scan or run one now. */
export function DiscoveryPage() {
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = can(me, 'discovery:write');
  const [creating, setCreating] = useState(false);
  const list = usePagedQuery(scansQuery(api));
  const scans = list.items;
  const runNow = useMutation({
    mutationFn: (scan: DiscoveryScan) => api.startScanRun(scan.id),
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      await navigate({ to: '/discovery/runs/$id', params: { id: run.id } });
    },
  });

  const columns: DataTableColumn<DiscoveryScan>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (scan) => (
        <Anchor renderRoot={(props) => <Link {...props} to="/discovery/scans/$id" params={{ id: scan.id }} />} size="sm">
          {scan.name}
        </Anchor>
      ),
    },
    {
      id: 'targets',
      header: 'Targets',
      cell: (scan) => (
        <>
          <Text size="sm">
            {scan.targets.slice(0, 2).join(', ')}
            {scan.targets.length > 2 ? ` +${scan.targets.length - 2}` : ''}
          </Text>
          <Text size="xs" c="dimmed">
            {plural(scan.addressCount, 'address', 'addresses')}, {plural(scan.ports.length, 'port')}
          </Text>
        </>
      ),
    },
    { id: 'schedule', header: 'Schedule', cell: (scan) => scheduleLabel(scan.intervalMinutes) },
    { id: 'lastRun', header: 'Last run', cell: (scan) => <LastRun lastRun={scan.lastRun} /> },
    { id: 'nextRun', header: 'Next run', cell: (scan) => formatDateTime(scan.nextRunAt, '—') },
    {
      id: 'actions',
      header: '',
      cell: (scan) =>
        writable && (
          <Button
            size="xs"
            variant="light"
            loading={runNow.isPending && runNow.variables?.id === scan.id}
            disabled={scan.lastRun?.status === 'queued' || scan.lastRun?.status === 'running'}
            onClick={() => runNow.mutate(scan)}
            data-testid="run-scan"
          >
            Run now
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Discovery"
        description="Network scans find hosts and SNMP devices and keep the inventory up to date."
        actions={
          <>
            <Button variant="default" renderRoot={(props) => <Link {...props} to="/discovery/snmp-credentials" />}>
              SNMP credentials
            </Button>
            {writable && (
              <Button onClick={() => setCreating(true)} data-testid="create-scan">
                New scan
              </Button>
            )}
          </>
        }
      />
      <ProblemAlert error={list.error ?? runNow.error} />
      <DataTable
        columns={columns}
        rows={scans}
        rowKey={(scan) => scan.id}
        loading={list.isPending}
        empty={`No scans yet.${writable ? ' Create one to find what is on your network.' : ''}`}
        list={list}
        minWidth={720}
        testId="scans-table"
        rowTestId="scan-row"
      />
      <ScanFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(scan) => navigate({ to: '/discovery/scans/$id', params: { id: scan.id } })}
      />
    </>
  );
}

function LastRun({ lastRun }: { lastRun: DiscoveryScan['lastRun'] }) {
  if (!lastRun)
    return (
      <Text size="sm" c="dimmed">
        never
      </Text>
    );
  return (
    <Group gap={6}>
      <RunStatusBadge status={lastRun.status} />
      <Anchor renderRoot={(props) => <Link {...props} to="/discovery/runs/$id" params={{ id: lastRun.id }} />} size="sm">
        {formatDateTime(lastRun.createdAt)}
      </Anchor>
    </Group>
  );
}
