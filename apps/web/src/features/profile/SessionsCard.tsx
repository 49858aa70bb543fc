import type { Session } from '@estate/contract';
import { Badge, Text } from '@mantine/core';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { describeUserAgent } from './describe-user-agent';
import { RevokeSessionButton } from './RevokeSessionButton';
import { sessionsQuery } from './sessions-queries';

const COLUMNS: DataTableColumn<Session>[] = [
  {
    id: 'device',
    header: 'Device',
    cell: (session) => (
      <Text size="sm" title={session.userAgent ?? undefined}>
        {describeUserAgent(session.userAgent)}
      </Text>
    ),
  },
  {
    id: 'ip',
    header: 'IP address',
    cell: (session) => (
      <Text size="sm" ff="monospace">
        {session.ip ?? '—'}
      </Text>
    ),
  },
  { id: 'createdAt', header: 'Signed in', cell: (session) => formatDateTime(session.createdAt) },
  { id: 'lastSeenAt', header: 'Last active', cell: (session) => formatDateTime(session.lastSeenAt) },
  { id: 'expiresAt', header: 'Expires', cell: (session) => formatDateTime(session.expiresAt) },
];

/** Where the user is signed in; any session but this one can be revoked (this one ends with "Sign out"). */
export function SessionsCard() {
  const api = useApi();
  const list = usePagedQuery(sessionsQuery(api));

  const actions: DataTableColumn<Session> = {
    id: 'actions',
    header: '',
    cell: (session) =>
      session.current ? (
        <Badge color="teal" variant="light">
          This session
        </Badge>
      ) : (
        <RevokeSessionButton session={session} />
      ),
  };

  return (
    <SectionCard title="Sessions" description="Browsers signed in to your account. Revoke any you do not recognise.">
      <ProblemAlert error={list.error} />
      <DataTable
        columns={[...COLUMNS, actions]}
        rows={list.items}
        rowKey={(session) => session.id}
        rowDataset={(session) => ({ current: session.current })}
        loading={list.isPending}
        empty="No sessions."
        list={list}
        minWidth={720}
        testId="sessions-table"
        rowTestId="session-row"
      />
    </SectionCard>
  );
}
