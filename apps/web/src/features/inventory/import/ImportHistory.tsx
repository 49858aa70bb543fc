import type { CiTypeInfo, ImportSummary } from '@estate/contract';
import { Badge, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../app/use-api';
import { DataTable, type DataTableColumn } from '../../../components/DataTable';
import { formatDateTime } from '../../../components/format-time';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { SectionCard } from '../../../components/SectionCard';
import { typeLabel } from '../ci-type-options';
import { ciTypesQuery } from '../inventory-queries';
import { importHistoryQuery } from './import-queries';

const STATUS_BADGES: Record<ImportSummary['status'], string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red' };

/** The columns of the history; the type column names CI types by their labels, once the types are read. */
function historyColumns(types: readonly CiTypeInfo[] | undefined): DataTableColumn<ImportSummary>[] {
  return [
    { id: 'createdAt', header: 'Started', cell: (job) => formatDateTime(job.createdAt) },
    { id: 'type', header: 'Type', cell: (job) => (job.kind === 'relationships' ? 'Relationships' : typeLabel(types, job.ciType)) },
    { id: 'kind', header: 'Kind', cell: (job) => (job.dryRun ? 'Dry run' : 'Import') },
    {
      id: 'status',
      header: 'Status',
      cell: (job) => (
        <Badge variant="light" color={STATUS_BADGES[job.status] ?? 'gray'}>
          {job.status}
        </Badge>
      ),
    },
    { id: 'rows', header: 'Rows', cell: (job) => job.progress.total ?? job.progress.processed },
    {
      id: 'counts',
      header: 'Created / updated / unchanged / errors',
      cell: (job) => (
        <Text size="sm">
          {job.counts.created} / {job.counts.updated} / {job.counts.unchanged} /{' '}
          <Text span c={job.counts.errors > 0 ? 'red' : undefined} inherit>
            {job.counts.errors}
          </Text>
        </Text>
      ),
    },
  ];
}

/** The caller's latest imports with their status and counts. */
export function ImportHistory() {
  const api = useApi();
  const history = usePagedQuery(importHistoryQuery(api));
  const types = useQuery(ciTypesQuery(api));
  return (
    <SectionCard title="Your recent imports" data-testid="import-history">
      <ProblemAlert error={history.error} />
      <DataTable
        columns={historyColumns(types.data)}
        rows={history.items}
        rowKey={(job) => job.id}
        loading={history.isPending}
        empty="No imports yet."
        list={history}
        compact
        minWidth={520}
        rowTestId="import-history-row"
      />
    </SectionCard>
  );
}
