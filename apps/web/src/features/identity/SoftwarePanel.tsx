import type { InstalledSoftware } from '@estate/contract';
import { Anchor, Badge, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { ciSoftwareQuery } from './identity-queries';

/** Props of `SoftwarePanel`. */
export interface SoftwarePanelProps {
  ciId: string;
}

const COLUMNS: DataTableColumn<InstalledSoftware>[] = [
  {
    id: 'name',
    header: 'Package',
    cell: (item) => (
      <Anchor
        renderRoot={(props) => <Link {...props} to="/software" search={{ name: item.name }} />}
        size="sm"
        title="Where else is it installed?"
      >
        {item.name}
      </Anchor>
    ),
  },
  {
    id: 'version',
    header: 'Version',
    cell: (item) => (
      <Text size="sm" ff="monospace">
        {item.version}
      </Text>
    ),
  },
  { id: 'arch', header: 'Architecture', cell: (item) => item.arch || '—' },
  {
    id: 'source',
    header: 'Source',
    cell: (item) => (
      <Badge size="sm" variant="light">
        {item.source}
      </Badge>
    ),
  },
  { id: 'seen', header: 'Seen', cell: (item) => formatDateTime(item.seenAt) },
];

/** The packages installed on a CI, as agents reported them, with a filter by name and a link to "where else". */
export function SoftwarePanel({ ciId }: SoftwarePanelProps) {
  const api = useApi();
  const [filter, setFilter] = useState('');
  const [prefix] = useDebouncedValue(filter.trim(), 250);
  const list = usePagedQuery(ciSoftwareQuery(api, ciId, prefix));

  return (
    <Stack gap="sm">
      <TextInput
        label="Filter by name"
        placeholder="openssl"
        value={filter}
        onChange={(event) => setFilter(event.currentTarget.value)}
        maw={320}
        data-testid="software-filter"
      />
      <ProblemAlert error={list.error} />
      <DataTable
        columns={COLUMNS}
        rows={list.items}
        rowKey={(item) => `${item.name}/${item.arch}`}
        loading={list.isPending}
        empty={
          <span data-testid="software-empty">
            {prefix ? `No package starting with "${prefix}".` : 'No installed software recorded for this item. An agent reports it.'}
          </span>
        }
        list={list}
        compact
        minWidth={520}
        testId="software-table"
      />
    </Stack>
  );
}
