import type { ActionLinkView } from '@estate/contract';
import { Alert, Badge, Button, Card, Center, Container, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { actionLinkApi } from './action-link-api';

const api = actionLinkApi();

/**
 * The page a signed acknowledge/resolve link in a message opens, signed in or not. Opening it changes nothing (mail
 * scanners open links too); it shows what the link will do, and the button does it.
 */
export function ActionLinkPage() {
  const { token } = useParams({ from: '/alerting/actions/$token' });
  const view = useQuery({ queryKey: ['action-link', token], queryFn: () => api.describe(token), retry: false, staleTime: Infinity });
  const use = useMutation({ mutationFn: (action: ActionLinkView['action']) => api.use(token, action) });
  const shown = use.data ?? view.data;
  const verb = shown?.action === 'resolve' ? 'Resolve' : 'Acknowledge';
  return (
    <Container size="sm" py="xl">
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Title order={2} data-testid="action-link-title">
            {shown ? `${verb} alerts` : 'Alert link'}
          </Title>
          {view.error && <ProblemAlert error={view.error} />}
          {!shown && !view.error && (
            <Center>
              <Loader size="sm" />
            </Center>
          )}
          {shown && (
            <>
              <Alert
                color={statusColor(shown.status)}
                data-testid="action-link-message"
                data-status={shown.status}
                title={statusTitle(shown.status)}
              >
                {shown.message}
              </Alert>
              {shown.alerts.length > 0 && (
                <Table data-testid="action-link-alerts">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Alert</Table.Th>
                      <Table.Th>Severity</Table.Th>
                      <Table.Th>State</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.alerts.map((a) => (
                      <Table.Tr key={a.id}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {a.name}
                          </Text>
                          {a.summary && (
                            <Text size="xs" c="dimmed">
                              {a.summary}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{a.severity}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            <Badge variant="light" size="sm">
                              {a.state}
                            </Badge>
                            {a.acknowledged && (
                              <Badge variant="light" color="gray" size="sm">
                                acknowledged
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              <ProblemAlert error={use.error} />
              {shown.status === 'ready' && !use.data && (
                <Group>
                  <Button onClick={() => use.mutate(shown.action)} loading={use.isPending} data-testid="action-link-confirm">
                    {verb}
                  </Button>
                </Group>
              )}
              <Text size="xs" c="dimmed">
                This link works once, until {new Date(shown.expiresAt).toLocaleString()}.
              </Text>
            </>
          )}
        </Stack>
      </Card>
    </Container>
  );
}

function statusColor(status: ActionLinkView['status']): string {
  if (status === 'done') return 'teal';
  if (status === 'ready') return 'blue';
  return 'gray';
}

function statusTitle(status: ActionLinkView['status']): string {
  switch (status) {
    case 'done':
      return 'Done';
    case 'ready':
      return 'Confirm';
    case 'used':
      return 'Already used';
    case 'expired':
      return 'Expired';
    default:
      return 'Nothing to do';
  }
}
