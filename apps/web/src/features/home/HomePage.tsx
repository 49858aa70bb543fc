import { Alert, Anchor, Stack, Text } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatMetricValue } from '../../components/metric-units';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { ciQuery } from '../inventory/inventory-queries';
import { type FilesystemOverview, type HostOverview, type HostSort, sortHosts } from './estate-overview';
import { HostName } from './HostName';
import { estateOverviewQuery } from './home-queries';
import { UsageCell } from './UsageCell';

/**
 * The home page: the estate at a glance. Every host reporting metrics with its latest CPU, memory and fullest
 * filesystem, linked to its CI page, and the fullest filesystems of the whole estate. Shown to users who may read
 * metrics; the router sends everyone else on to the inventory.
 */
export function HomePage() {
  const api = useApi();
  const me = useMe();
  const overview = useQuery(estateOverviewQuery());
  const [sort, setSort] = useState<HostSort>({ key: 'name', direction: 'asc' });
  const hosts = overview.data?.hosts ?? [];
  const ciIds = [...new Set(hosts.flatMap((host) => (host.ciId ? [host.ciId] : [])))];
  const cis = useQueries({
    queries: ciIds.map((id) => ({ ...ciQuery(api, id), enabled: can(me, 'inventory:read'), staleTime: 60_000, retry: false })),
  });
  const names = new Map(ciIds.map((id, i) => [id, cis[i]?.data?.ci.name]));
  // Who may not read the inventory sees host names without links to pages they could not open.
  const linkOf = (ciId: string | null) => (can(me, 'inventory:read') ? ciId : null);
  const nameOf = (row: { ciId: string | null; instance: string }) => (row.ciId ? names.get(row.ciId) : undefined) ?? row.instance;

  const hostColumns: DataTableColumn<HostOverview>[] = [
    { id: 'name', header: 'Host', sortKey: 'name', cell: (h) => <HostName ciId={linkOf(h.ciId)} name={nameOf(h)} instance={h.instance} /> },
    { id: 'cpu', header: 'CPU', sortKey: 'cpu', cell: (h) => <UsageCell ratio={h.cpu} data-testid="host-cpu" /> },
    {
      id: 'memory',
      header: 'Memory',
      sortKey: 'memory',
      cell: (h) => <UsageCell ratio={h.memory} data-testid="host-memory" />,
    },
    {
      id: 'disk',
      header: 'Fullest disk',
      sortKey: 'disk',
      cell: (h) => <UsageCell ratio={h.fullestFilesystem?.ratio ?? null} note={h.fullestFilesystem?.mountpoint} data-testid="host-disk" />,
    },
  ];
  const filesystemColumns: DataTableColumn<FilesystemOverview>[] = [
    { id: 'host', header: 'Host', cell: (f) => <HostName ciId={linkOf(f.ciId)} name={nameOf(f)} instance={f.instance} /> },
    {
      id: 'mountpoint',
      header: 'Mountpoint',
      cell: (f) => (
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {f.mountpoint}
        </Text>
      ),
    },
    { id: 'used', header: 'Used', cell: (f) => <UsageCell ratio={f.ratio} /> },
    { id: 'size', header: 'Size', cell: (f) => (f.sizeBytes === null ? '–' : formatMetricValue(f.sizeBytes, 'bytes')) },
  ];

  return (
    <Stack gap="lg">
      <PageHeader title="The estate at a glance" description="Latest values of every host whose agent reported in the last five minutes" />
      {overview.error && <ProblemAlert error={overview.error} />}
      {overview.data && hosts.length === 0 ? (
        <Alert color="gray" title="No host reports metrics yet" data-testid="home-empty">
          <Text size="sm">
            Hosts appear here with their CPU, memory and disk use once their agents report.{' '}
            <Anchor component={Link} to="/agents" size="sm">
              Install and enroll an agent
            </Anchor>
            .
          </Text>
        </Alert>
      ) : (
        <>
          <SectionCard title="Hosts" data-testid="home-hosts">
            <DataTable
              columns={hostColumns}
              rows={sortHosts(hosts, sort, nameOf)}
              rowKey={(h) => h.key}
              loading={overview.isPending}
              empty="No host reports metrics."
              sort={sort}
              onSortChange={(next) => setSort(next as HostSort)}
              compact
              minWidth={300}
              testId="hosts-table"
              rowTestId="host-row"
            />
          </SectionCard>
          <SectionCard title="Fullest filesystems" description="The ten fullest of all hosts" data-testid="home-filesystems">
            <DataTable
              columns={filesystemColumns}
              rows={overview.data?.fullestFilesystems ?? []}
              rowKey={(f) => `${f.hostKey}\n${f.mountpoint}`}
              loading={overview.isPending}
              empty="No filesystem reported."
              compact
              minWidth={300}
              testId="filesystems-table"
              rowTestId="filesystem-row"
            />
          </SectionCard>
        </>
      )}
    </Stack>
  );
}
