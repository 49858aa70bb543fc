import type { SoftwareInstallation } from '@estate/contract';
import { Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useNavigate } from '@tanstack/react-router';
import { can } from '../../app/auth-guard';
import { useRouteSearch } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { plural } from '../../components/plural';
import { useMe } from '../auth/use-me';
import { CiLink } from '../inventory/CiLink';
import { softwareInstallationsQuery } from './identity-queries';

/** "Where is this package installed?": every CI with a package, by version. The search is in the URL. */
export function SoftwarePage() {
  const me = useMe();
  if (!can(me, 'inventory:read')) return <NoPermission permission="inventory:read" />;
  return <SoftwareSearch />;
}

const COLUMNS: DataTableColumn<SoftwareInstallation>[] = [
  {
    id: 'version',
    header: 'Version',
    cell: (item) => (
      <Text ff="monospace" size="sm">
        {item.version}
      </Text>
    ),
  },
  { id: 'item', header: 'Item', cell: (item) => <CiLink id={item.ciId} name={item.ciName} /> },
  { id: 'type', header: 'Type', cell: (item) => item.ciType },
  {
    id: 'status',
    header: 'Status',
    cell: (item) => (
      <Badge size="sm" variant="light">
        {item.ciStatus}
      </Badge>
    ),
  },
  { id: 'arch', header: 'Architecture', cell: (item) => item.arch || '—' },
  { id: 'seen', header: 'Seen', cell: (item) => formatDateTime(item.seenAt) },
];

function SoftwareSearch() {
  const api = useApi();
  const navigate = useNavigate();
  const search = useRouteSearch('/software');
  const form = useForm({
    initialValues: { name: search.name ?? '', version: search.version ?? '' },
    validate: { name: isNotEmpty('Enter a package name') },
  });
  const list = usePagedQuery(softwareInstallationsQuery(api, search.name ?? '', search.version ?? ''));
  const items = list.items;
  const versions = new Set(items.map((i) => i.version));

  return (
    <Stack gap="md">
      <PageHeader title="Software" description="Which configuration items have a package installed, and in which version." />
      <form
        onSubmit={form.onSubmit(({ name, version }) => {
          void navigate({ to: '/software', search: { name: name.trim() || undefined, version: version.trim() || undefined } });
        })}
        noValidate
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Package name"
            placeholder="openssl"
            {...form.getInputProps('name')}
            required
            data-testid="software-search-name"
          />
          <TextInput
            label="Version (optional)"
            placeholder="3.0.11"
            {...form.getInputProps('version')}
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
            : `${list.hasMore ? `${items.length}+ installations` : plural(items.length, 'installation')} in ${plural(versions.size, 'version')}.`}
        </Text>
      )}
      {items.length > 0 && (
        <DataTable
          columns={COLUMNS}
          rows={items}
          rowKey={(item) => `${item.ciId}/${item.arch}`}
          loading={list.isPending}
          empty=""
          list={list}
          minWidth={600}
          testId="software-search-table"
        />
      )}
    </Stack>
  );
}
