import type { ScanRun } from '@estate/contract';
import { Anchor, Badge, Button, Group, SimpleGrid, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { plural } from '../../components/plural';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { DISCOVERY_QUERY_KEY, isRunFinished, scanQuery, scanRunsQuery, snmpCredentialsQuery } from './discovery-queries';
import { RunStatusBadge, scheduleLabel } from './RunStatusBadge';
import { ScanFormModal } from './ScanFormModal';

/** One line of a run's summary: "3 new · 1 changed · 2 missing". */
export function summaryLine(run: Pick<ScanRun, 'summary' | 'status' | 'done' | 'total' | 'error'>): string {
  if (run.status === 'failed') return run.error ?? 'failed';
  if (!run.summary) return run.status === 'running' ? `${run.done} of ${plural(run.total, 'address', 'addresses')}` : '';
  const s = run.summary;
  const snmp = s.snmp ? ` · SNMP: ${s.snmp.answered} of ${s.snmp.asked} answered` : '';
  return `${plural(s.hosts, 'host')} · ${s.new} new · ${s.changed} changed · ${s.missing} missing · ${plural(s.cisCreated, 'CI')} created${snmp}`;
}

const RUN_COLUMNS: DataTableColumn<ScanRun>[] = [
  {
    id: 'started',
    header: 'Started',
    cell: (run) => (
      <Anchor renderRoot={(props) => <Link {...props} to="/discovery/runs/$id" params={{ id: run.id }} />} size="sm">
        {formatDateTime(run.startedAt ?? run.createdAt)}
      </Anchor>
    ),
  },
  { id: 'status', header: 'Status', cell: (run) => <RunStatusBadge status={run.status} /> },
  { id: 'result', header: 'Result', cell: (run) => <Text size="sm">{summaryLine(run)}</Text> },
  {
    id: 'by',
    header: 'By',
    cell: (run) => (
      <Text size="sm" c="dimmed">
        {run.requestedBy ? 'on demand' : 'schedule'}
      </Text>
    ),
  },
];

/** A scan: what it scans and how, run it now or edit it, and its runs. */
export function ScanDetailPage() {
  const { id } = useRouteParams('/discovery/scans/$id');
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = can(me, 'discovery:write');
  const [editing, setEditing] = useState(false);
  const scan = useQuery(scanQuery(api, id));
  const lastRun = scan.data?.value.lastRun;
  const runs = usePagedQuery({ ...scanRunsQuery(api, id), refetchInterval: lastRun && !isRunFinished(lastRun) ? 2000 : false });
  const credentials = usePagedQuery(snmpCredentialsQuery(api));
  const credentialNames = new Map(credentials.items.map((c) => [c.id, c.name]));
  const runNow = useMutation({
    mutationFn: () => api.startScanRun(id),
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      await navigate({ to: '/discovery/runs/$id', params: { id: run.id } });
    },
  });

  if (!scan.data) return <ProblemAlert error={scan.error} />;
  const { value, etag } = scan.data;
  const going = value.lastRun?.status === 'queued' || value.lastRun?.status === 'running';
  const items = runs.items;

  return (
    <>
      <PageHeader
        title={value.name}
        description={`${plural(value.addressCount, 'address', 'addresses')} · ${scheduleLabel(value.intervalMinutes)}${value.nextRunAt ? ` · next run ${formatDateTime(value.nextRunAt)}` : ''}`}
        actions={
          writable && (
            <>
              <Button onClick={() => runNow.mutate()} loading={runNow.isPending} disabled={going} data-testid="run-scan">
                Run now
              </Button>
              <Button variant="default" onClick={() => setEditing(true)} data-testid="edit-scan">
                Edit
              </Button>
              <ConfirmButton
                label="Delete"
                title={`Delete ${value.name}?`}
                message="The scan and all its runs and results are deleted. CIs it created stay in the inventory."
                confirmLabel="Delete"
                size="sm"
                onConfirm={async () => {
                  await api.deleteScan(value.id, etag ?? '');
                  await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
                  await navigate({ to: '/discovery' });
                }}
              />
            </>
          )
        }
      />
      <ProblemAlert error={runNow.error} />
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="md">
        <SectionCard title="Targets">
          <Group gap={6}>
            {value.targets.map((t) => (
              <Badge key={t} variant="outline" tt="none">
                {t}
              </Badge>
            ))}
          </Group>
          <Text size="sm" mt="xs">
            Ports: {value.ports.join(', ')}
          </Text>
        </SectionCard>
        <SectionCard title="How">
          <Text size="sm">
            SNMP: {value.credentialIds.length ? value.credentialIds.map((c) => credentialNames.get(c) ?? c).join(', ') : 'none'} (port{' '}
            {value.options.snmpPort})
          </Text>
          <Text size="sm">
            {value.options.ratePerSecond} probes/s, {value.options.concurrency} in flight, {value.options.timeoutMs} ms timeout
          </Text>
          <Text size="sm">
            {[
              value.options.reverseDns && 'reverse DNS',
              value.options.serviceHints && 'service hints',
              value.options.tcpLiveness && 'TCP liveness',
              value.options.force && 'forced (large range)',
            ]
              .filter(Boolean)
              .join(', ') || 'no extras'}
          </Text>
        </SectionCard>
      </SimpleGrid>
      <SectionCard title="Runs">
        <ProblemAlert error={runs.error} />
        <DataTable
          columns={RUN_COLUMNS}
          rows={items}
          rowKey={(run) => run.id}
          loading={runs.isPending}
          empty="Not run yet."
          list={runs}
          minWidth={640}
          testId="runs-table"
        />
      </SectionCard>
      <ScanFormModal opened={editing} onClose={() => setEditing(false)} scan={scan.data} />
    </>
  );
}
