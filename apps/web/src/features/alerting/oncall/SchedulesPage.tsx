import { Anchor, Button, Modal, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { OnCallNowCell } from './OnCallNowCell';
import { OnCallTabs } from './OnCallTabs';
import { ONCALL_QUERY_KEY, onCallApi, usersQuery } from './oncall-api';
import { ScheduleEditor } from './ScheduleEditor';
import { newScheduleDraft } from './schedule-form';

/** On-call schedules: each with who is on call now; a new one is made in the editor. */
export function SchedulesPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Schedules canWrite={can(me, 'alerting:write')} />;
}

function Schedules({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const oncall = onCallApi(api);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [creating, creator] = useDisclosure(false);
  const list = useQuery({ queryKey: [...ONCALL_QUERY_KEY, 'schedules'], queryFn: () => oncall.listSchedules() });
  const users = useQuery(usersQuery(api));

  return (
    <>
      <PageHeader
        title="On-call"
        description="Who is on call, when: rotations in layers, with restrictions and overrides."
        actions={
          canWrite && (
            <Button onClick={creator.open} data-testid="create-schedule">
              New schedule
            </Button>
          )
        }
      />
      <OnCallTabs active="/oncall" />
      <ProblemAlert error={list.error} />
      <Table striped highlightOnHover data-testid="schedules-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>On call now</Table.Th>
            <Table.Th>Time zone</Table.Th>
            <Table.Th>Layers</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((schedule) => (
            <Table.Tr key={schedule.id} data-testid="schedule-row">
              <Table.Td>
                <Anchor
                  renderRoot={(props) => <Link {...props} to="/oncall/schedules/$id" params={{ id: schedule.id }} />}
                  data-testid="schedule-link"
                >
                  {schedule.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <OnCallNowCell scheduleId={schedule.id} />
              </Table.Td>
              <Table.Td>{schedule.timeZone}</Table.Td>
              <Table.Td>{schedule.layers.length}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.items.length === 0 && (
        <Text c="dimmed" size="sm" mt="sm">
          No schedules yet.{canWrite && ' Create one to say who is on call.'}
        </Text>
      )}
      <Modal opened={creating} onClose={creator.close} title="New schedule" size="xl">
        <ScheduleEditor
          initial={newScheduleDraft()}
          users={users.data ?? []}
          submitLabel="Create schedule"
          onCancel={creator.close}
          onSubmit={async (draft) => {
            const created = await oncall.createSchedule(draft);
            await queryClient.invalidateQueries({ queryKey: ONCALL_QUERY_KEY });
            creator.close();
            await navigate({ to: '/oncall/schedules/$id', params: { id: created.id } });
          }}
        />
      </Modal>
    </>
  );
}
