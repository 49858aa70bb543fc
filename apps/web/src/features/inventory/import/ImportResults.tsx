import type { ImportRowReport, ImportRun } from '@estate/contract';
import { Badge, Group, List, Pagination, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { DataTable, type DataTableColumn } from '../../../components/DataTable';

const PAGE_SIZE = 50;

/** Badge colour and words of each row action. */
export const ACTION_BADGES: Record<ImportRowReport['action'], { color: string; label: string }> = {
  create: { color: 'teal', label: 'Create' },
  update: { color: 'blue', label: 'Update' },
  unchanged: { color: 'gray', label: 'Unchanged' },
  error: { color: 'red', label: 'Error' },
};

type RowFilter = 'all' | 'error' | 'create' | 'update';

function matches(row: ImportRowReport, filter: RowFilter): boolean {
  return filter === 'all' || row.action === filter;
}

/** The counts of a finished import as figures (no update figure for a relationship import, which only creates). */
export function ImportCounts({ job, dryRun }: { job: ImportRun; dryRun: boolean }) {
  // A relationship import only creates: an update figure would always read 0.
  const updates =
    job.kind === 'relationships' ? [] : [{ label: dryRun ? 'To update' : 'Updated', value: job.counts.updated, color: 'blue' }];
  const figures = [
    { label: dryRun ? 'To create' : 'Created', value: job.counts.created, color: 'teal' },
    ...updates,
    { label: 'Unchanged', value: job.counts.unchanged, color: 'gray' },
    { label: 'Errors', value: job.counts.errors, color: job.counts.errors > 0 ? 'red' : 'gray' },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: figures.length }} spacing="xs" data-testid="import-counts">
      {figures.map((figure) => (
        <Stack key={figure.label} gap={0} p="xs" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}>
          <Text size="xs" c="dimmed">
            {figure.label}
          </Text>
          <Text
            fw={700}
            fz="xl"
            c={figure.value > 0 ? figure.color : undefined}
            data-testid={`import-count-${figure.label.toLowerCase().replace(' ', '-')}`}
          >
            {figure.value}
          </Text>
        </Stack>
      ))}
    </SimpleGrid>
  );
}

/** What happened to a row beyond its action: values kept because they were set by hand, what it left out, and its errors. */
function RowProblems({ row }: { row: ImportRowReport }) {
  return (
    <>
      {row.notes?.map((note) => (
        <Text key={note} size="xs" c="dimmed" data-testid="import-row-note">
          {note}
        </Text>
      ))}
      {row.conflicts && row.conflicts.length > 0 && (
        <Text size="xs" c="orange">
          Kept values set by hand: {row.conflicts.join(', ')}
        </Text>
      )}
      {row.errors.length > 0 && (
        <List size="sm" c="red">
          {row.errors.map((error, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a row may report the same field twice.
            <List.Item key={index}>{error.field ? `${error.field}: ${error.message}` : error.message}</List.Item>
          ))}
        </List>
      )}
    </>
  );
}

/** The columns of an import's row reports; a relationship import's rows are keyed by the relationship. */
function resultColumns(job: ImportRun): DataTableColumn<ImportRowReport>[] {
  return [
    { id: 'row', header: 'Row', width: 60, cell: (row) => row.row },
    {
      id: 'key',
      header: job.kind === 'relationships' ? 'Relationship' : 'Key',
      cell: (row) => (
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {row.naturalKey || '—'}
          {row.ciType && (
            <Text span size="xs" c="dimmed">
              {' '}
              ({row.ciType.replaceAll('_', ' ')})
            </Text>
          )}
        </Text>
      ),
    },
    {
      id: 'action',
      header: 'Action',
      width: 110,
      cell: (row) => (
        <Badge variant="light" color={ACTION_BADGES[row.action].color}>
          {ACTION_BADGES[row.action].label}
        </Badge>
      ),
    },
    { id: 'problems', header: 'Problems', cell: (row) => <RowProblems row={row} /> },
  ];
}

/** Every row of an import with what happens to it and why it fails, filterable, 50 rows a page. */
export function ImportResults({ job }: { job: ImportRun }) {
  const [filter, setFilter] = useState<RowFilter>(job.counts.errors > 0 ? 'error' : 'all');
  const [page, setPage] = useState(1);
  const rows = job.rows.filter((row) => matches(row, filter)).sort((a, b) => a.row - b.row);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  return (
    <Stack gap="sm" data-testid="import-results">
      <SegmentedControl
        value={filter}
        onChange={(value) => {
          setFilter(value as RowFilter);
          setPage(1);
        }}
        data={[
          { value: 'all', label: `All (${job.progress.total ?? job.rows.length})` },
          { value: 'error', label: `Errors (${job.counts.errors})` },
          { value: 'create', label: `Creates (${job.counts.created})` },
          ...(job.kind === 'relationships' ? [] : [{ value: 'update', label: `Updates (${job.counts.updated})` }]),
        ]}
        size="xs"
        fullWidth
        style={{ maxWidth: 560 }}
        data-testid="import-results-filter"
      />
      <DataTable
        columns={resultColumns(job)}
        rows={shown}
        rowKey={(row) => String(row.row)}
        rowDataset={(row) => ({ action: row.action })}
        loading={false}
        empty="No rows to show."
        compact
        minWidth={360}
        rowTestId="import-row"
      />
      {pages > 1 && (
        <Group justify="center">
          <Pagination total={pages} value={current} onChange={setPage} size="sm" siblings={1} data-testid="import-results-pages" />
        </Group>
      )}
      {job.rowsTruncated && (
        <Text size="xs" c="dimmed" data-testid="import-rows-truncated">
          The server keeps the reports of {job.rows.length} rows, those with errors first; the counts above cover every row.
        </Text>
      )}
    </Stack>
  );
}

/** The sites, rooms and racks an import creates to place its rows, each under its parent. */
export function ImportLocations({ job, dryRun }: { job: ImportRun; dryRun: boolean }) {
  if (job.locationsCreated.length === 0) return null;
  return (
    <Text size="sm" data-testid="import-locations">
      {dryRun ? 'Also creates' : 'Also created'}{' '}
      {job.locationsCreated.length === 1 ? '1 location' : `${job.locationsCreated.length} locations`}:{' '}
      {job.locationsCreated.map((l) => `${l.type} ${l.name}${l.parent ? ` in ${l.parent}` : ''}`).join(', ')}.
    </Text>
  );
}
