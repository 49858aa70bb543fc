import type { DeliveryStatus, NotificationDelivery } from '@estate/contract';
import { DELIVERY_STATUSES } from '@estate/contract';
import { Anchor, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteSearch } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { DataTable, type DataTableColumn } from '../../../components/DataTable';
import { formatDateTime } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { useMe } from '../../auth/use-me';
import { channelsListQuery, type NotificationFilters, notificationQuery, notificationsQuery } from './channels-queries';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';
import { type NotificationsSearch, validateNotificationsSearch } from './notifications-search';

/** The delivery log (`/alerting/notifications`): one row per notification and channel, newest first; a row unfolds to its attempts. */
export function NotificationsPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Notifications />;
}

const COLUMNS: DataTableColumn<NotificationDelivery>[] = [
  { id: 'status', header: 'Status', width: 110, cell: (d) => <DeliveryStatusBadge status={d.status} /> },
  { id: 'created', header: 'Created', width: 170, cell: (d) => formatDateTime(d.createdAt) },
  {
    id: 'channel',
    header: 'Channel',
    cell: (d) =>
      d.channelName === null ? (
        <Text size="sm" c="dimmed">
          (deleted)
        </Text>
      ) : (
        <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerting/channels/$id" params={{ id: d.channelId }} />}>
          {d.channelName}
        </Anchor>
      ),
  },
  {
    id: 'group',
    header: 'Group',
    cell: (d) => <Text size="sm" truncate="end" maw={260} title={d.groupKey}>{`${d.groupStatus}: ${d.groupKey}`}</Text>,
  },
  { id: 'attempts', header: 'Attempts', width: 90, cell: (d) => d.attempts },
  {
    id: 'error',
    header: 'Last error / next attempt',
    cell: (d) => (
      <Text size="sm" c="dimmed" truncate="end" maw={320} title={d.lastError ?? undefined}>
        {d.status === 'retrying' && d.nextAttemptAt !== null ? `next ${formatDateTime(d.nextAttemptAt)} · ` : ''}
        {d.lastError ?? (d.providerId ? `id ${d.providerId}` : '—')}
      </Text>
    ),
  },
];

function Notifications() {
  const api = useApi();
  const navigate = useNavigate();
  const search = useRouteSearch('/alerting/notifications');
  const [groupKey, setGroupKey] = useState(search.groupKey ?? '');
  const [debouncedGroup] = useDebouncedValue(groupKey, 300);
  const filters: NotificationFilters = { ...search, ...(debouncedGroup ? { groupKey: debouncedGroup } : { groupKey: undefined }) };
  const channels = usePagedQuery(channelsListQuery(api));
  const list = usePagedQuery(notificationsQuery(api, filters));
  const setSearch = (next: NotificationsSearch) =>
    void navigate({ to: '/alerting/notifications', search: validateNotificationsSearch({ ...next }) });

  return (
    <>
      <PageHeader
        title="Delivery log"
        description="Every notification sent to every channel, with each attempt. Deliveries are retried until they arrive."
      />
      <Group mb="sm" align="flex-end">
        <Select
          label="Channel"
          placeholder="Any"
          clearable
          data={channels.items.map((c) => ({ value: c.id, label: c.name }))}
          value={search.channelId ?? null}
          onChange={(v) => setSearch({ ...search, channelId: v ?? undefined })}
          data-testid="notifications-channel"
        />
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={[...DELIVERY_STATUSES]}
          value={search.status ?? null}
          onChange={(v) => setSearch({ ...search, status: (v as DeliveryStatus | null) ?? undefined })}
          data-testid="notifications-status"
        />
        <TextInput
          label="Group key"
          placeholder="Exact group key"
          value={groupKey}
          onChange={(e) => setGroupKey(e.currentTarget.value)}
          data-testid="notifications-group"
        />
      </Group>
      <ProblemAlert error={list.error} />
      <DataTable
        columns={COLUMNS}
        rows={list.items}
        rowKey={(d) => d.id}
        loading={list.isPending}
        empty="No notifications match."
        list={list}
        minWidth={900}
        renderExpanded={(d) => <Attempts id={d.id} />}
        rowLabel={(d) => `${d.channelName ?? 'deleted channel'} ${d.groupKey}`}
        testId="notifications-table"
        rowTestId="notification-row"
      />
    </>
  );
}

/** One delivery's attempts, oldest first. */
function Attempts({ id }: { id: string }) {
  const api = useApi();
  const detail = useQuery(notificationQuery(api, id));
  if (detail.error) return <ProblemAlert error={detail.error} />;
  if (!detail.data) return <Loader size="xs" />;
  return (
    <Stack gap="xs" data-testid="notification-attempts">
      <Text size="sm">
        Notification {detail.data.notificationId} to {detail.data.receiver}
      </Text>
      <Table withTableBorder fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>HTTP</Table.Th>
            <Table.Th>Detail</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {detail.data.attemptLog.map((a) => (
            <Table.Tr key={a.number} data-testid="notification-attempt">
              <Table.Td>{a.number}</Table.Td>
              <Table.Td>{formatDateTime(a.startedAt)}</Table.Td>
              <Table.Td>
                <DeliveryStatusBadge status={a.outcome} data-testid="attempt-outcome" />
              </Table.Td>
              <Table.Td>{a.httpStatus ?? '—'}</Table.Td>
              <Table.Td>{a.detail ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
