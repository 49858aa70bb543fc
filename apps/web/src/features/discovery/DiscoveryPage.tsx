import type { DiscoveryScan } from '@estate/contract';
import { Anchor, Button, Group, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
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
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover data-testid="scans-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Targets</Table.Th>
              <Table.Th>Schedule</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th>Next run</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {scans.map((scan) => (
              <Table.Tr key={scan.id} data-testid="scan-row">
                <Table.Td>
                  <Anchor renderRoot={(props) => <Link {...props} to="/discovery/scans/$id" params={{ id: scan.id }} />} size="sm">
                    {scan.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {scan.targets.slice(0, 2).join(', ')}
                    {scan.targets.length > 2 ? ` +${scan.targets.length - 2}` : ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {scan.addressCount} addresses, {scan.ports.length} ports
                  </Text>
                </Table.Td>
                <Table.Td>{scheduleLabel(scan.intervalMinutes)}</Table.Td>
                <Table.Td>
                  {scan.lastRun ? (
                    <Group gap={6}>
                      <RunStatusBadge status={scan.lastRun.status} />
                      <Anchor
                        renderRoot={(props) => <Link {...props} to="/discovery/runs/$id" params={{ id: scan.lastRun!.id }} />}
                        size="sm"
                      >
                        {formatDateTime(scan.lastRun.createdAt)}
                      </Anchor>
                    </Group>
                  ) : (
                    <Text size="sm" c="dimmed">
                      never
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(scan.nextRunAt, '—')}</Table.Td>
                <Table.Td>
                  {writable && (
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
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {!list.isPending && scans.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text size="sm" c="dimmed">
                    No scans yet.{writable ? ' Create one to find what is on your network.' : ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton list={list} />
      <ScanFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(scan) => navigate({ to: '/discovery/scans/$id', params: { id: scan.id } })}
      />
    </>
  );
}
