import type { ObservedFact } from '@estate/contract';
import { Badge, Stack, Text, Title } from '@mantine/core';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { formatValue } from './ci-labels';
import { observedFactsQuery } from './inventory-queries';

/** A fact's value in words: text as it is, lists joined, a record as its fields ("Device: /dev/sda, Size GB: 480"). */
function Value({ value }: { value: unknown }) {
  return (
    <Text size="sm" style={{ wordBreak: 'break-word' }}>
      {formatValue(value)}
    </Text>
  );
}

const COLUMNS: DataTableColumn<ObservedFact>[] = [
  {
    id: 'key',
    header: 'Fact',
    width: 160,
    cell: (f) => (
      <Text size="sm" ff="monospace">
        {f.key}
      </Text>
    ),
  },
  { id: 'value', header: 'Value', cell: (f) => <Value value={f.value} /> },
  {
    id: 'observer',
    header: 'Seen by',
    width: 170,
    cell: (f) => (
      <Stack gap={2}>
        <Badge size="sm" variant="light">
          {f.source}
        </Badge>
        <Text size="xs" c="dimmed">
          {f.observer}, {formatDateTime(f.seenAt)}
        </Text>
      </Stack>
    ),
  },
  { id: 'reason', header: 'Why not a field', width: 260, cell: (f) => <Text size="xs">{f.reason}</Text> },
];

/** Props of `ObservedFactsPanel`. */
export interface ObservedFactsPanelProps {
  ciId: string;
}

/**
 * What observers saw of a CI that is not one of its fields: values its type has no place for (an SNMP management
 * address on a server, sysLocation) and values that differ from what a better observer set. Hidden while there are
 * none.
 */
export function ObservedFactsPanel({ ciId }: ObservedFactsPanelProps) {
  const api = useApi();
  const list = usePagedQuery(observedFactsQuery(api, ciId));
  if (list.isSuccess && list.items.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="observed-facts">
      <Title order={4}>Observed facts</Title>
      <Text size="sm" c="dimmed">
        What discovery saw of this item beyond its fields.
      </Text>
      <ProblemAlert error={list.error} />
      <DataTable
        columns={COLUMNS}
        rows={list.items}
        rowKey={(f) => `${f.key}/${f.source}`}
        loading={list.isPending}
        empty=""
        list={list}
        minWidth={700}
        testId="observed-facts-table"
        rowTestId="observed-fact-row"
      />
    </Stack>
  );
}
