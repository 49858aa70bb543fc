import { Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { CiLink } from '../inventory/CiLink';
import { softwareInstallationsQuery } from './identity-queries';

/** "Where is this package installed?": every CI with a package, by version. The search is in the URL. */
export function SoftwarePage() {
  const me = useMe();
  if (!can(me, 'inventory:read')) return <NoPermission permission="inventory:read" />;
  return <SoftwareSearch />;
}

function SoftwareSearch() {
  const api = useApi();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { name?: string; version?: string };
  const [name, setName] = useState(search.name ?? '');
  const [version, setVersion] = useState(search.version ?? '');
  const list = usePagedQuery(softwareInstallationsQuery(api, search.name ?? '', search.version ?? ''));
  const items = list.items;
  const versions = new Set(items.map((i) => i.version));

  return (
    <Stack gap="md">
      <PageHeader title="Software" description="Which configuration items have a package installed, and in which version." />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void navigate({ to: '/software', search: { name: name.trim() || undefined, version: version.trim() || undefined } });
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Package name"
            placeholder="openssl"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            data-testid="software-search-name"
          />
          <TextInput
            label="Version (optional)"
            placeholder="3.0.11"
            value={version}
            onChange={(event) => setVersion(event.currentTarget.value)}
            data-testid="software-search-version"
          />
          <Button type="submit" data-testid="software-search-submit">
            Search
          </Button>
        </Group>
      </form>
      <ProblemAlert error={list.error} />
      {list.isSuccess && (
        <Text size="sm" c="dimmed" data-testid="software-search-summary">
          {items.length === 0
            ? `No item has ${search.name}${search.version ? ` ${search.version}` : ''} installed.`
            : `${items.length}${list.hasMore ? '+' : ''} installations in ${versions.size} version${versions.size === 1 ? '' : 's'}.`}
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped verticalSpacing="xs" data-testid="software-search-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Item</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Architecture</Table.Th>
                <Table.Th>Seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={`${item.ciId}/${item.arch}`}>
                  <Table.Td ff="monospace">{item.version}</Table.Td>
                  <Table.Td>
                    <CiLink id={item.ciId} name={item.ciName} />
                  </Table.Td>
                  <Table.Td>{item.ciType}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light">
                      {item.ciStatus}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{item.arch || '—'}</Table.Td>
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
