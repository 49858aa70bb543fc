import type { MyShift } from '@estate/contract';
import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { CopyableSecret } from '../../../components/CopyableSecret';
import { formatDateTime } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { OnCallTabs } from './OnCallTabs';
import { ONCALL_QUERY_KEY, onCallApi } from './oncall-api';

/** The signed-in user's on-call: current and next shifts across schedules, and a calendar feed of them. */
export function MyOnCallPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <MyOnCall />;
}

function ShiftTable({ shifts, testId }: { shifts: MyShift[]; testId: string }) {
  return (
    <Table data-testid={testId}>
      <Table.Tbody>
        {shifts.map((shift) => (
          <Table.Tr key={`${shift.scheduleId}-${shift.start}`}>
            <Table.Td>
              <Anchor
                renderRoot={(props) => <Link {...props} to="/oncall/schedules/$id" params={{ id: shift.scheduleId }} />}
                data-testid="schedule-link"
              >
                {shift.scheduleName}
              </Anchor>
            </Table.Td>
            <Table.Td>
              {formatDateTime(shift.start)} – {formatDateTime(shift.end)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function MyOnCall() {
  const api = useApi();
  const oncall = onCallApi(api);
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const mine = useQuery({ queryKey: [...ONCALL_QUERY_KEY, 'me'], queryFn: () => oncall.mine(), refetchInterval: 60_000 });
  const tokens = useQuery({ queryKey: [...ONCALL_QUERY_KEY, 'feed-tokens'], queryFn: () => oncall.listFeedTokens() });
  const myFeeds = (tokens.data ?? []).filter((t) => t.kind === 'user' && t.revokedAt === null);

  return (
    <>
      <PageHeader title="On-call" description="Your shifts now and next, and a calendar feed of them." />
      <OnCallTabs active="/oncall/me" />
      <ProblemAlert error={mine.error ?? error} />
      <Stack gap="md">
        <SectionCard title="On call now">
          {mine.data && mine.data.current.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="my-current-none">
              You are not on call now.
            </Text>
          ) : (
            <ShiftTable shifts={mine.data?.current ?? []} testId="my-current" />
          )}
        </SectionCard>
        <SectionCard title="Next shifts">
          {mine.data && mine.data.next.length === 0 ? (
            <Text size="sm" c="dimmed">
              No shifts in the next two months.
            </Text>
          ) : (
            <ShiftTable shifts={mine.data?.next ?? []} testId="my-next" />
          )}
        </SectionCard>
        <SectionCard
          title="Calendar feed"
          description="Subscribe in your calendar app. The link is shown once; it works until you revoke it."
        >
          {created && (
            <CopyableSecret
              value={/^https?:/.test(created) ? created : `${window.location.origin}${created}`}
              label="Feed URL"
              testId="feed-url"
            />
          )}
          <Table>
            <Table.Tbody>
              {myFeeds.map((token) => (
                <Table.Tr key={token.id} data-testid="feed-token-row">
                  <Table.Td>Created {formatDateTime(token.createdAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      data-testid="revoke-feed"
                      onClick={async () => {
                        setError(null);
                        try {
                          await oncall.revokeFeedToken(token.id);
                          setCreated(null);
                          await queryClient.invalidateQueries({ queryKey: [...ONCALL_QUERY_KEY, 'feed-tokens'] });
                        } catch (caught) {
                          setError(caught);
                        }
                      }}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group mt="sm">
            <Button
              variant="default"
              data-testid="create-feed"
              onClick={async () => {
                setError(null);
                try {
                  const answer = await oncall.createFeedToken({ kind: 'user' });
                  setCreated(answer.url);
                  await queryClient.invalidateQueries({ queryKey: [...ONCALL_QUERY_KEY, 'feed-tokens'] });
                } catch (caught) {
                  setError(caught);
                }
              }}
            >
              Create feed link
            </Button>
          </Group>
        </SectionCard>
      </Stack>
    </>
  );
}
