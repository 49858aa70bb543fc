import type { NotificationChannel } from '@estate/contract';
import { Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { DataTable, type DataTableColumn } from '../../../components/DataTable';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { useMe } from '../../auth/use-me';
import { formatRelative } from '../../inventory/ci-labels';
import { channelsListQuery, channelTypesQuery } from './channels-queries';
import { DeliveryStatusBadge } from './DeliveryStatusBadge';

/** Notification channels: name, type, enabled, and how the last delivery went. */
export function ChannelsPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Channels canWrite={can(me, 'alerting:write')} />;
}

function Channels({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const types = useQuery(channelTypesQuery(api));
  const list = usePagedQuery(channelsListQuery(api));
  const titleOf = (type: string) => types.data?.find((t) => t.type === type)?.title ?? type;
  const columns: DataTableColumn<NotificationChannel>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (channel) => (
        <Anchor
          renderRoot={(props) => <Link {...props} to="/alerting/channels/$id" params={{ id: channel.id }} />}
          size="sm"
          data-testid="channel-link"
        >
          {channel.name}
        </Anchor>
      ),
    },
    { id: 'type', header: 'Type', width: 180, cell: (channel) => titleOf(channel.type) },
    {
      id: 'enabled',
      header: 'Enabled',
      width: 100,
      cell: (channel) => (
        <Badge variant={channel.enabled ? 'light' : 'outline'} color={channel.enabled ? 'teal' : 'gray'}>
          {channel.enabled ? 'enabled' : 'disabled'}
        </Badge>
      ),
    },
    {
      id: 'last',
      header: 'Last delivery',
      width: 220,
      cell: (channel) =>
        channel.lastDelivery ? (
          <Group gap="xs" wrap="nowrap">
            <DeliveryStatusBadge status={channel.lastDelivery.status} />
            <Text size="xs" c="dimmed">
              {formatRelative(channel.lastDelivery.at)}
            </Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            none yet
          </Text>
        ),
    },
  ];
  return (
    <>
      <PageHeader
        title="Channels"
        description="Where notifications go: email, webhooks, chat and paging services. Every delivery is retried until it arrives."
        actions={
          <Group gap="xs">
            <Button
              variant="default"
              renderRoot={(props) => <Link {...props} to="/alerting/notifications" />}
              data-testid="open-notifications"
            >
              Delivery log
            </Button>
            {canWrite && (
              <Button renderRoot={(props) => <Link {...props} to="/alerting/channels/new" />} data-testid="create-channel">
                New channel
              </Button>
            )}
          </Group>
        }
      />
      <ProblemAlert error={list.error} />
      <DataTable
        columns={columns}
        rows={list.items}
        rowKey={(channel) => channel.id}
        loading={list.isPending}
        empty={`No channels yet.${canWrite ? ' Create one so alerts reach someone.' : ''}`}
        list={list}
        minWidth={700}
        testId="channels-table"
        rowTestId="channel-row"
      />
    </>
  );
}
