import type { HostChange, ScanHost } from '@estate/contract';
import { Anchor, Group, Progress, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { CiLink } from '../inventory/CiLink';
import { isRunFinished, scanHostsQuery, scanRunQuery } from './discovery-queries';
import { HostChangeBadge, RunStatusBadge } from './RunStatusBadge';
import { summaryLine } from './ScanDetailPage';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'new', label: 'New' },
  { value: 'changed', label: 'Changed' },
  { value: 'missing', label: 'Missing' },
  { value: 'unchanged', label: 'Unchanged' },
];

/** What a host showed, in one line: SNMP system name and description, or service hints. */
function hostDetails(host: ScanHost): string {
  const snmp = host.data.snmp;
  if (snmp) return [snmp.sysName, snmp.sysDescr?.slice(0, 80), `${snmp.interfaces.length} interfaces`].filter(Boolean).join(' · ');
  const hints = Object.entries(host.data.services).flatMap(([port, s]) =>
    [s.ssh, s.httpTitle && `“${s.httpTitle}”`, s.httpServer, s.tlsSubject && `TLS ${s.tlsSubject}`]
      .filter(Boolean)
      .map((h) => `${port}: ${h}`),
  );
  return hints.join(' · ');
}

/** One run of a scan: live progress while it goes, then its summary and the hosts it found, filterable by change. */
export function RunPage() {
  const { id } = useRouteParams('/discovery/runs/$id');
  const api = useApi();
  const [filter, setFilter] = useState('all');
  const run = useQuery(scanRunQuery(api, id));
  const finished = isRunFinished(run.data);
  const hosts = usePagedQuery(scanHostsQuery(api, id, filter === 'all' ? undefined : (filter as HostChange), finished));
  const items = hosts.items;

  if (!run.data) return <ProblemAlert error={run.error} />;
  const r = run.data;
  const share = r.total > 0 ? Math.round((r.done / r.total) * 100) : 0;

  return (
    <>
      <PageHeader
        title={`Run of ${r.scanName}`}
        description={`Started ${formatDateTime(r.startedAt ?? r.createdAt)}${r.finishedAt ? ` · finished ${formatDateTime(r.finishedAt)}` : ''}`}
        actions={
          <Anchor renderRoot={(props) => <Link {...props} to="/discovery/scans/$id" params={{ id: r.scanId }} />} size="sm">
            Back to the scan
          </Anchor>
        }
      />
      <SectionCard title="Progress" data-testid="run-progress">
        <Stack gap={4} aria-live="polite">
          <Group justify="space-between">
            <RunStatusBadge status={r.status} />
            <Text size="sm" c="dimmed" data-testid="run-done">
              {r.status === 'queued' ? 'Queued…' : `${r.done} of ${r.total} addresses (${share}%)`}
            </Text>
          </Group>
          <Progress
            value={r.status === 'queued' ? 100 : share}
            striped={!finished}
            animated={!finished}
            color={r.status === 'failed' ? 'red' : undefined}
            aria-label="Scan progress"
          />
          <Text size="sm" c={r.status === 'failed' ? 'red' : undefined} data-testid="run-summary">
            {summaryLine(r)}
          </Text>
        </Stack>
      </SectionCard>
      <Group justify="space-between" mt="md" mb="xs">
        <Text fw={500}>Hosts</Text>
        <SegmentedControl size="xs" data={FILTERS} value={filter} onChange={setFilter} data-testid="host-filter" />
      </Group>
      <ProblemAlert error={hosts.error} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped data-testid="hosts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Address</Table.Th>
              <Table.Th>Change</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Open ports</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th>CI</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((h) => (
              <Table.Tr key={h.address} data-testid="host-row">
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {h.address}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <HostChangeBadge change={h.change} />
                  {h.data.changedFields && h.data.changedFields.length > 0 && (
                    <Text size="xs" c="dimmed">
                      {h.data.changedFields.join(', ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{h.data.hostname ?? h.data.snmp?.sysName ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{h.data.openPorts.join(', ') || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{hostDetails(h)}</Text>
                  {h.data.notes.map((n) => (
                    <Text key={n} size="xs" c="orange">
                      {n}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>{h.ci ? <CiLink id={h.ci.id} name={h.ci.name} /> : <Text size="sm">—</Text>}</Table.Td>
              </Table.Tr>
            ))}
            {!hosts.isPending && items.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text size="sm" c="dimmed">
                    {finished ? 'No hosts of this kind.' : 'No hosts found yet.'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton list={hosts} />
    </>
  );
}
