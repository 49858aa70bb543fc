import type { CiInterface } from '@estate/contract';
import { Badge, Stack, Text } from '@mantine/core';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { ciInterfacesQuery } from './inventory-queries';

/** Up, down or unknown, as a small badge. */
function State({ up }: { up: boolean | null }) {
  if (up === null) return <Text c="dimmed">—</Text>;
  return (
    <Badge size="sm" variant="light" color={up ? 'teal' : 'gray'}>
      {up ? 'up' : 'down'}
    </Badge>
  );
}

const COLUMNS: DataTableColumn<CiInterface>[] = [
  {
    id: 'name',
    header: 'Interface',
    cell: (i) => (
      <Stack gap={0}>
        <Text size="sm" ff="monospace">
          {i.name}
        </Text>
        {i.description && (
          <Text size="xs" c="dimmed">
            {i.description}
          </Text>
        )}
      </Stack>
    ),
  },
  { id: 'kind', header: 'Kind', width: 100, cell: (i) => i.kind ?? '—' },
  {
    id: 'mac',
    header: 'MAC',
    width: 160,
    cell: (i) => (
      <Text size="sm" ff="monospace">
        {i.mac ?? '—'}
      </Text>
    ),
  },
  {
    id: 'addresses',
    header: 'Addresses',
    cell: (i) =>
      i.addresses.length === 0 ? (
        '—'
      ) : (
        <Text size="sm" ff="monospace">
          {i.addresses.join(', ')}
        </Text>
      ),
  },
  {
    id: 'speed',
    header: 'Speed',
    width: 100,
    cell: (i) => (i.speedMbps === null ? '—' : i.speedMbps >= 1000 ? `${i.speedMbps / 1000} Gb/s` : `${i.speedMbps} Mb/s`),
  },
  { id: 'admin', header: 'Admin', width: 80, cell: (i) => <State up={i.adminUp} /> },
  { id: 'oper', header: 'Link', width: 80, cell: (i) => <State up={i.operUp} /> },
  {
    id: 'source',
    header: 'Source',
    width: 90,
    cell: (i) => (
      <Badge size="sm" variant="light">
        {i.source}
      </Badge>
    ),
  },
  { id: 'seen', header: 'Seen', width: 170, cell: (i) => formatDateTime(i.seenAt) },
];

/** Props of `InterfacesPanel`. */
export interface InterfacesPanelProps {
  ciId: string;
}

/** A CI's network interfaces as its agent and SNMP scans last saw them, one row per source and interface. */
export function InterfacesPanel({ ciId }: InterfacesPanelProps) {
  const api = useApi();
  const list = usePagedQuery(ciInterfacesQuery(api, ciId));
  return (
    <Stack gap="sm">
      <ProblemAlert error={list.error} />
      <DataTable
        columns={COLUMNS}
        rows={list.items}
        rowKey={(i) => `${i.source}/${i.name}`}
        loading={list.isPending}
        empty={
          <Text size="sm" c="dimmed" data-testid="interfaces-empty">
            No interfaces recorded for this item. An agent or an SNMP scan reports them.
          </Text>
        }
        list={list}
        minWidth={900}
        testId="interfaces-table"
        rowTestId="interface-row"
      />
    </Stack>
  );
}
