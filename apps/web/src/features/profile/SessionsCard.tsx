import { Badge, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { describeUserAgent } from './describe-user-agent';
import { SESSIONS_QUERY_KEY, sessionsQuery } from './sessions-queries';

/** Where the user is signed in; any session but this one can be revoked (this one ends with "Sign out"). */
export function SessionsCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = usePagedQuery(sessionsQuery(api));
  const sessions = list.items;

  return (
    <SectionCard title="Sessions" description="Browsers signed in to your account. Revoke any you do not recognise.">
      <ProblemAlert error={list.error} />
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" data-testid="sessions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Device</Table.Th>
              <Table.Th>IP address</Table.Th>
              <Table.Th>Signed in</Table.Th>
              <Table.Th>Last active</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.map((session) => (
              <Table.Tr key={session.id} data-testid="session-row" data-current={session.current}>
                <Table.Td title={session.userAgent ?? undefined}>
                  <Text size="sm">{describeUserAgent(session.userAgent)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {session.ip ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(session.createdAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(session.lastSeenAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(session.expiresAt)}</Text>
                </Table.Td>
                <Table.Td>
                  {session.current ? (
                    <Badge color="teal" variant="light">
                      This session
                    </Badge>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      title="Revoke this session?"
                      message={`${describeUserAgent(session.userAgent)} will be signed out at its next request.`}
                      confirmLabel="Revoke session"
                      data-testid="revoke-session"
                      onConfirm={async () => {
                        await api.revokeSession(session.id);
                        notifications.show({ color: 'teal', title: 'Session revoked', message: 'That browser is signed out.' });
                        await queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY });
                      }}
                    />
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton list={list} />
    </SectionCard>
  );
}
