import type { ImportSummary } from '@estate/contract';
import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../app/use-api';
import { formatDateTime } from '../../../components/format-time';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { typeLabel } from '../ci-type-options';
import { ciTypesQuery } from '../inventory-queries';
import { importHistoryQuery } from './import-queries';

const STATUS_BADGES: Record<ImportSummary['status'], string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red' };

/** The caller's latest imports with their status and counts. */
export function ImportHistory() {
  const api = useApi();
  const history = useQuery(importHistoryQuery(api));
  const types = useQuery(ciTypesQuery(api));
  const jobs = history.data?.items ?? [];
  return (
    <SectionCard title="Your recent imports" data-testid="import-history">
      <ProblemAlert error={history.error} />
      <Table.ScrollContainer minWidth={520}>
        <Table striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Rows</Table.Th>
              <Table.Th>Created / updated / unchanged / errors</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.map((job) => (
              <Table.Tr key={job.id} data-testid="import-history-row">
                <Table.Td>
                  <Text size="sm">{formatDateTime(job.createdAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{job.kind === 'relationships' ? 'Relationships' : typeLabel(types.data, job.ciType)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{job.dryRun ? 'Dry run' : 'Import'}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={STATUS_BADGES[job.status] ?? 'gray'}>
                    {job.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{job.progress.total ?? job.progress.processed}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {job.counts.created} / {job.counts.updated} / {job.counts.unchanged} /{' '}
                    <Text span c={job.counts.errors > 0 ? 'red' : undefined} inherit>
                      {job.counts.errors}
                    </Text>
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {!history.isPending && jobs.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={6}>
                  <Text c="dimmed" ta="center" py="sm" size="sm">
                    No imports yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </SectionCard>
  );
}
