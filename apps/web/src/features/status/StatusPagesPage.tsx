import type { StatusComponentInput, StatusPage } from '@estate/contract';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { CiPicker } from '../inventory/CiPicker';
import { ciQuery } from '../inventory/inventory-queries';

const STATUS_PAGES_KEY = ['status-pages'] as const;

/** The status pages: title, address, whether the public may read them, and how many components each shows. */
export function StatusPagesPage() {
  const me = useMe();
  const api = useApi();
  const pages = useQuery({ queryKey: [...STATUS_PAGES_KEY, 'list'], queryFn: () => api.listStatusPages({ limit: 500 }) });
  if (!can(me, 'monitoring:read')) return <NoPermission permission="monitoring:read" />;
  return (
    <>
      <PageHeader
        title="Status pages"
        description="What the users of your services see: their state, uptime and planned maintenance."
        actions={
          can(me, 'monitoring:write') && (
            <Button component={Link} to="/status-pages/new" data-testid="create-status-page">
              New status page
            </Button>
          )
        }
      />
      <ProblemAlert error={pages.error} />
      {pages.isPending ? (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      ) : (pages.data?.items.length ?? 0) === 0 ? (
        <Text c="dimmed" data-testid="status-pages-empty">
          No status page yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table data-testid="status-pages-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Title</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Components</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pages.data?.items.map((page) => (
                <Table.Tr key={page.id} data-testid="status-page-row">
                  <Table.Td>
                    <Link to="/status-pages/$id" params={{ id: page.id }}>
                      {page.title}
                    </Link>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      {page.public ? (
                        <Anchor href={`/status/${page.slug}`} target="_blank" rel="noreferrer">
                          /status/{page.slug}
                        </Anchor>
                      ) : (
                        <Text size="sm">/status/{page.slug}</Text>
                      )}
                      <Badge variant="light" color={page.public ? 'teal' : 'gray'}>
                        {page.public ? 'public' : 'private'}
                      </Badge>
                    </Group>
                  </Table.Td>
                  <Table.Td>{page.components.length}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

/** A new status page. */
export function NewStatusPagePage() {
  const me = useMe();
  if (!can(me, 'monitoring:write')) return <NoPermission permission="monitoring:write" />;
  return <StatusPageForm />;
}

/** A status page, changed with the version it was read at. */
export function EditStatusPagePage() {
  const { id } = useRouteParams('/status-pages/$id');
  const me = useMe();
  const api = useApi();
  const page = useQuery({ queryKey: [...STATUS_PAGES_KEY, id], queryFn: () => api.getStatusPage(id) });
  if (!can(me, 'monitoring:read')) return <NoPermission permission="monitoring:read" />;
  if (page.error) return <ProblemAlert error={page.error} />;
  if (!page.data) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  return <StatusPageForm key={page.data.etag ?? id} saved={page.data.value} etag={page.data.etag} canWrite={can(me, 'monitoring:write')} />;
}

/** A component row while edited; `name` is what the picker shows for a check. */
type Row = StatusComponentInput & { name?: string };

const slugOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

function StatusPageForm({ saved, etag, canWrite = true }: { saved?: StatusPage; etag?: string | null; canWrite?: boolean }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(saved?.title ?? '');
  const [slug, setSlug] = useState(saved?.slug ?? '');
  const [slugTouched, setSlugTouched] = useState(saved !== undefined);
  const [description, setDescription] = useState(saved?.description ?? '');
  const [isPublic, setPublic] = useState(saved?.public ?? false);
  const [rows, setRows] = useState<Row[]>(
    saved?.components.map((c) => ({ kind: c.kind, refId: c.refId, displayName: c.displayName, group: c.group, name: c.refName ?? '' })) ??
      [],
  );
  const [adding, setAdding] = useState<'service' | 'check'>('service');
  const save = useMutation({
    mutationFn: async () => {
      const components = rows.map(({ kind, refId, displayName, group }) => ({
        kind,
        refId,
        displayName: displayName ?? '',
        group: group ?? '',
      }));
      const body = { title: title.trim(), slug, description, public: isPublic, components };
      return saved ? api.updateStatusPage(saved.id, body, etag ?? '') : api.createStatusPage(body);
    },
    onSuccess: async ({ value }) => {
      notifications.show({ color: 'teal', title: 'Status page saved', message: value.title });
      await queryClient.invalidateQueries({ queryKey: STATUS_PAGES_KEY });
      await navigate({ to: '/status-pages/$id', params: { id: value.id } });
    },
  });
  const remove = async () => {
    if (!saved) return;
    await api.deleteStatusPage(saved.id);
    await queryClient.invalidateQueries({ queryKey: STATUS_PAGES_KEY });
    await navigate({ to: '/status-pages' });
  };
  const setRow = (index: number, patch: Partial<Row>) => setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const move = (index: number, delta: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + delta, 0, row);
    setRows(next);
  };
  return (
    <>
      <PageHeader
        title={saved ? saved.title : 'New status page'}
        description={saved?.public ? `Public at /status/${saved.slug}` : 'Private until marked public.'}
        actions={
          saved?.public && (
            <Button component="a" href={`/status/${saved.slug}`} target="_blank" variant="default" data-testid="open-status-page">
              Open the page
            </Button>
          )
        }
      />
      <Stack maw={860}>
        <SectionCard title="Page">
          <Stack gap="sm">
            <TextInput
              label="Title"
              required
              value={title}
              readOnly={!canWrite}
              onChange={(event) => {
                setTitle(event.currentTarget.value);
                if (!slugTouched) setSlug(slugOf(event.currentTarget.value));
              }}
              data-testid="status-page-title"
            />
            <TextInput
              label="Address"
              description="Lower-case letters, digits and hyphens: the page is at /status/<address>."
              required
              value={slug}
              readOnly={!canWrite}
              onChange={(event) => {
                setSlugTouched(true);
                setSlug(event.currentTarget.value);
              }}
              data-testid="status-page-slug"
            />
            <Textarea
              label="Description"
              autosize
              minRows={2}
              value={description}
              readOnly={!canWrite}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <Switch
              label="Public"
              description="Readable by anyone with the address, signed out: names, states, uptime and maintenance only."
              checked={isPublic}
              disabled={!canWrite}
              onChange={(event) => setPublic(event.currentTarget.checked)}
              data-testid="status-page-public"
            />
          </Stack>
        </SectionCard>
        <SectionCard
          title="Components"
          description="Business services (their state follows what they depend on) and single checks, in this order."
        >
          <Stack gap="xs">
            {rows.length === 0 && (
              <Text size="sm" c="dimmed">
                None yet.
              </Text>
            )}
            {rows.map((row, index) => (
              <Group key={`${row.kind}:${row.refId}`} gap={6} align="flex-end" wrap="wrap" data-testid="status-component-row">
                <Badge variant="light">{row.kind === 'service' ? 'service' : 'check'}</Badge>
                <Text size="sm" fw={500} miw={140}>
                  {row.name || (row.kind === 'service' ? <ServiceName id={row.refId} /> : row.refId)}
                </Text>
                <TextInput
                  size="xs"
                  placeholder="Shown as (its own name)"
                  aria-label={`Shown name of component ${index + 1}`}
                  value={row.displayName ?? ''}
                  readOnly={!canWrite}
                  onChange={(event) => setRow(index, { displayName: event.currentTarget.value })}
                />
                <TextInput
                  size="xs"
                  placeholder="Group"
                  aria-label={`Group of component ${index + 1}`}
                  value={row.group ?? ''}
                  readOnly={!canWrite}
                  onChange={(event) => setRow(index, { group: event.currentTarget.value })}
                />
                {canWrite && (
                  <Group gap={2}>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={index === 0}
                      aria-label={`Move component ${index + 1} up`}
                      onClick={() => move(index, -1)}
                    >
                      ↑
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      disabled={index === rows.length - 1}
                      aria-label={`Move component ${index + 1} down`}
                      onClick={() => move(index, 1)}
                    >
                      ↓
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove component ${index + 1}`}
                      onClick={() => setRows(rows.filter((_, i) => i !== index))}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                )}
              </Group>
            ))}
            {canWrite && (
              <Group align="flex-end" gap="sm" wrap="wrap">
                <SegmentedControl
                  value={adding}
                  onChange={(value) => setAdding(value as 'service' | 'check')}
                  data={[
                    { value: 'service', label: 'Business service' },
                    { value: 'check', label: 'Check' },
                  ]}
                />
                {adding === 'service' ? (
                  <CiPicker
                    label="Add a business service"
                    types={['business_service']}
                    value={null}
                    onChange={(id) => id && !rows.some((r) => r.refId === id) && setRows([...rows, { kind: 'service', refId: id }])}
                    data-testid="status-add-service"
                  />
                ) : (
                  <CheckAdder
                    onPick={(id, name) => !rows.some((r) => r.refId === id) && setRows([...rows, { kind: 'check', refId: id, name }])}
                  />
                )}
              </Group>
            )}
          </Stack>
        </SectionCard>
        <ProblemAlert error={save.error} />
        {canWrite && (
          <Group justify="space-between">
            {saved ? (
              <ConfirmButton
                label="Delete"
                size="sm"
                title={`Delete ${saved.title}?`}
                message="The page and its address go; the services and checks it shows stay."
                confirmLabel="Delete"
                onConfirm={remove}
              />
            ) : (
              <span />
            )}
            <Button
              onClick={() => save.mutate()}
              loading={save.isPending}
              disabled={title.trim() === '' || slug === ''}
              data-testid="save-status-page"
            >
              Save
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}

/** A business service's name, read from the inventory (a row just added knows only the id). */
function ServiceName({ id }: { id: string }) {
  const api = useApi();
  const ci = useQuery({ ...ciQuery(api, id), staleTime: 60_000 });
  return <>{ci.data?.ci.name ?? id}</>;
}

/** Searches checks by name; picking one adds it. */
function CheckAdder({ onPick }: { onPick: (id: string, name: string) => void }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const checks = useQuery({
    queryKey: ['status-pages', 'check-picker', q],
    queryFn: () => api.listChecks({ q: q || undefined, limit: 25 }),
  });
  return (
    <Select
      label="Add a check"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      value={null}
      data={(checks.data?.items ?? []).map((check) => ({ value: check.id, label: check.name }))}
      onChange={(id) => {
        const check = checks.data?.items.find((c) => c.id === id);
        if (check) onPick(check.id, check.name);
        setSearch('');
      }}
      data-testid="status-add-check"
    />
  );
}
