import type { HostChange, ScanHost } from '@estate/contract';
import { Anchor, Group, Progress, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { plural } from '../../components/plural';
import { SectionCard } from '../../components/SectionCard';
import { CiLink } from '../inventory/CiLink';
import { isRunFinished, scanHostsQuery, scanRunQuery } from './discovery-queries';
import { RunSnmpCard, RunWarnings } from './RunSnmpCard';
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
  if (snmp) return [snmp.sysName, snmp.sysDescr?.slice(0, 80), plural(snmp.interfaces.length, 'interface')].filter(Boolean).join(' · ');
  const hints = Object.entries(host.data.services).flatMap(([port, s]) =>
    [s.ssh, s.httpTitle && `“${s.httpTitle}”`, s.httpServer, s.tlsSubject && `TLS ${s.tlsSubject}`]
      .filter(Boolean)
      .map((h) => `${port}: ${h}`),
  );
  return hints.join(' · ');
}

const HOST_COLUMNS: DataTableColumn<ScanHost>[] = [
  {
    id: 'address',
    header: 'Address',
    cell: (host) => (
      <Text size="sm" ff="monospace">
        {host.address}
      </Text>
    ),
  },
  {
    id: 'change',
    header: 'Change',
    cell: (host) => (
      <>
        <HostChangeBadge change={host.change} />
        {host.data.changedFields && host.data.changedFields.length > 0 && (
          <Text size="xs" c="dimmed">
            {host.data.changedFields.join(', ')}
          </Text>
        )}
      </>
    ),
  },
  { id: 'name', header: 'Name', cell: (host) => host.data.hostname ?? host.data.snmp?.sysName ?? '—' },
  { id: 'ports', header: 'Open ports', cell: (host) => host.data.openPorts.join(', ') || '—' },
  {
    id: 'details',
    header: 'Details',
    cell: (host) => (
      <>
        <Text size="xs">{hostDetails(host)}</Text>
        {host.data.notes.map((note) => (
          <Text key={note} size="xs" c="orange">
            {note}
          </Text>
        ))}
      </>
    ),
  },
  { id: 'ci', header: 'CI', cell: (host) => (host.ci ? <CiLink id={host.ci.id} name={host.ci.name} /> : '—') },
];

/** One run of a scan: live progress while it goes, then its summary and the hosts it found, filterable by change. */
export function RunPage() {
  const { id } = useRouteParams('/discovery/runs/$id');
  const api = useApi();
  const [filter, setFilter] = useState('all');
  const run = useQuery(scanRunQuery(api, id));
  const finished = isRunFinished(run.data);
  const hosts = usePagedQuery(scanHostsQuery(api, id, filter === 'all' ? undefined : (filter as HostChange), finished));

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
              {r.status === 'queued' ? 'Queued…' : `${r.done} of ${plural(r.total, 'address', 'addresses')} (${share}%)`}
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
          <RunWarnings summary={r.summary} />
        </Stack>
      </SectionCard>
      <Stack mt="md">
        <RunSnmpCard snmp={r.summary?.snmp} />
      </Stack>
      <Group justify="space-between" mt="md" mb="xs">
        <Text fw={500}>Hosts</Text>
        <SegmentedControl size="xs" data={FILTERS} value={filter} onChange={setFilter} data-testid="host-filter" />
      </Group>
      <ProblemAlert error={hosts.error} />
      <DataTable
        columns={HOST_COLUMNS}
        rows={hosts.items}
        rowKey={(host) => host.address}
        loading={hosts.isPending}
        empty={finished ? 'No hosts of this kind.' : 'No hosts found yet.'}
        list={hosts}
        minWidth={760}
        testId="hosts-table"
        rowTestId="host-row"
      />
    </>
  );
}
