import { Anchor, Badge, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { ciSoftwareQuery } from './identity-queries';

/** Props of `SoftwarePanel`. */
export interface SoftwarePanelProps {
  ciId: string;
}

/** The packages installed on a CI, as agents reported them, with a filter by name and a link to "where else". */
export function SoftwarePanel({ ciId }: SoftwarePanelProps) {
  const api = useApi();
  const [filter, setFilter] = useState('');
  const [prefix] = useDebouncedValue(filter.trim(), 250);
  const list = usePagedQuery(ciSoftwareQuery(api, ciId, prefix));
  const items = list.items;

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
      {list.isSuccess && items.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="software-empty">
          {prefix ? `No package starting with "${prefix}".` : 'No installed software recorded for this item. An agent reports it.'}
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped verticalSpacing="xs" data-testid="software-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Package</Table.Th>
                <Table.Th>Version</Table.Th>
                <Table.Th>Architecture</Table.Th>
                <Table.Th>Source</Table.Th>
                <Table.Th>Seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={`${item.name}/${item.arch}`}>
                  <Table.Td>
                    <Anchor
                      renderRoot={(props) => <Link {...props} to="/software" search={{ name: item.name }} />}
                      size="sm"
                      title="Where else is it installed?"
                    >
                      {item.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{item.version}</Table.Td>
                  <Table.Td>{item.arch || '—'}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light">
                      {item.source}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatDateTime(item.seenAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton list={list} />
    </Stack>
  );
}
