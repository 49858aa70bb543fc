import type { OnCallSchedule } from '@estate/contract';
import { Alert, Anchor, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteParams } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { formatDateTime, localInputToEpochMs } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { addLocalDays, startOfLocalDay } from './calendar-layout';
import { ONCALL_QUERY_KEY, type OnCallApi, onCallApi, usersQuery } from './oncall-api';
import { ScheduleEditor } from './ScheduleEditor';
import { ShiftCalendar } from './ShiftCalendar';

/** One schedule: who is on call now, its calendar of final shifts, its overrides, and its editor. */
export function SchedulePage() {
  const me = useMe();
  const { id } = useRouteParams('/oncall/schedules/$id');
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Schedule id={id} canWrite={can(me, 'alerting:write')} />;
}

function Schedule({ id, canWrite }: { id: string; canWrite: boolean }) {
  const api = useApi();
  const oncall = onCallApi(api);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [editing, editor] = useDisclosure(false);
  const [days, setDays] = useState<7 | 14>(7);
  const [from, setFrom] = useState(() => startOfLocalDay(Date.now()));
  const to = addLocalDays(from, days);
  const key = [...ONCALL_QUERY_KEY, 'schedule', id];
  const schedule = useQuery({ queryKey: key, queryFn: () => oncall.getSchedule(id) });
  const now = useQuery({ queryKey: [...key, 'now'], queryFn: () => oncall.onCall(id), refetchInterval: 60_000 });
  const shifts = useQuery({ queryKey: [...key, 'shifts', from, to], queryFn: () => oncall.shifts(id, from, to) });
  const users = useQuery(usersQuery(api));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ONCALL_QUERY_KEY });

  if (schedule.error) return <ProblemAlert error={schedule.error} />;
  if (!schedule.data) return null;
  const { value, etag } = schedule.data;
  const layerName = (layerId: string) => value.layers.find((l) => l.id === layerId)?.name ?? layerId;

  return (
    <>
      <PageHeader
        title={value.name}
        description={`On-call schedule · ${value.timeZone}`}
        actions={
          canWrite && (
            <Group gap="xs">
              <Button variant="default" onClick={editor.open} data-testid="edit-schedule">
                Edit layers
              </Button>
              <ConfirmButton
                label="Delete"
                title="Delete this schedule?"
                message="Escalation policies that page this schedule will skip its steps."
                confirmLabel="Delete schedule"
                color="red"
                variant="light"
                onConfirm={async () => {
                  await oncall.deleteSchedule(id, etag);
                  await refresh();
                  await navigate({ to: '/oncall' });
                }}
              />
            </Group>
          )
        }
      />
      <Anchor renderRoot={(props) => <Link {...props} to="/oncall" />} size="sm" mb="sm" display="inline-block">
        ← All schedules
      </Anchor>
      <Stack gap="md">
        <SectionCard title="On call now" data-testid="on-call-now-card">
          {now.data?.person ? (
            <Group gap="sm">
              <Title order={3} data-testid="schedule-on-call-now">
                {now.data.person.name}
              </Title>
              <Text size="sm" c="dimmed">
                {now.data.source?.kind === 'override'
                  ? 'by an override'
                  : `from ${layerName(now.data.source?.kind === 'layer' ? now.data.source.layerId : '')}`}
              </Text>
            </Group>
          ) : (
            <Text c="orange" data-testid="schedule-on-call-now">
              {now.isPending ? '…' : 'Nobody is on call now.'}
            </Text>
          )}
        </SectionCard>
        {value.warnings.length > 0 && (
          <Alert color="yellow" title="Worth a look" data-testid="schedule-warnings">
            {value.warnings.map((warning) => (
              <Text key={`${warning.path}-${warning.message}`} size="sm">
                {warning.message}
              </Text>
            ))}
          </Alert>
        )}
        <SectionCard title="Calendar">
          <Group gap="xs" mb="xs">
            <Button size="xs" variant="default" onClick={() => setFrom(addLocalDays(from, -days))}>
              ← Earlier
            </Button>
            <Button size="xs" variant="default" onClick={() => setFrom(startOfLocalDay(Date.now()))}>
              Today
            </Button>
            <Button size="xs" variant="default" onClick={() => setFrom(addLocalDays(from, days))}>
              Later →
            </Button>
          </Group>
          <ProblemAlert error={shifts.error} />
          <ShiftCalendar shifts={shifts.data?.items ?? []} from={from} days={days} onDaysChange={setDays} layerName={layerName} />
        </SectionCard>
        <SectionCard title="Layers" description="Bottom to top: a later layer wins where it has someone.">
          {value.layers.map((layer) => (
            <Text key={layer.id} size="sm" data-testid="layer-summary">
              <b>{layer.name}</b>:{' '}
              {layer.rotation.participants.map((p) => (users.data ?? []).find((u) => u.id === p)?.name ?? 'unknown user').join(' → ')}
              {` · every ${layer.rotation.shiftLength.count} ${layer.rotation.shiftLength.unit} at ${layer.rotation.handoffTime} from ${layer.rotation.startDate}`}
              {(layer.restrictions ?? []).length > 0 && ` · ${(layer.restrictions ?? []).length} restriction window(s)`}
            </Text>
          ))}
        </SectionCard>
        <Overrides
          schedule={value}
          oncall={oncall}
          canWrite={canWrite}
          onChange={refresh}
          userOptions={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
        />
      </Stack>
      <Modal opened={editing} onClose={editor.close} title={`Edit ${value.name}`} size="xl">
        <ScheduleEditor
          initial={{ name: value.name, timeZone: value.timeZone, layers: value.layers }}
          users={users.data ?? []}
          submitLabel="Save"
          onCancel={editor.close}
          onSubmit={async (draft) => {
            await oncall.updateSchedule(id, draft, etag);
            await refresh();
            editor.close();
          }}
        />
      </Modal>
    </>
  );
}

interface OverridesProps {
  schedule: OnCallSchedule;
  oncall: OnCallApi;
  canWrite: boolean;
  onChange: () => Promise<unknown>;
  userOptions: { value: string; label: string }[];
}

function Overrides({ schedule, oncall, canWrite, onChange, userOptions }: OverridesProps) {
  const [person, setPerson] = useState<string | null>(null);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [error, setError] = useState<unknown>(null);
  const name = (id: string) => userOptions.find((u) => u.value === id)?.label ?? id;
  const upcoming = schedule.overrides.filter((o) => o.end > Date.now());

  const add = async () => {
    setError(null);
    try {
      const s = localInputToEpochMs(start);
      const e = localInputToEpochMs(end);
      if (!person || s === undefined || e === undefined) throw new Error('Pick a person, a start and an end.');
      await oncall.addOverride(schedule.id, { person, start: s, end: e });
      setStart('');
      setEnd('');
      await onChange();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <SectionCard title="Overrides" description="One person on call for a while, above every layer." data-testid="overrides">
      {upcoming.length === 0 ? (
        <Text size="sm" c="dimmed">
          No current or upcoming overrides.
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {upcoming.map((override) => (
              <Table.Tr key={override.id} data-testid="override-row">
                <Table.Td>{name(override.person)}</Table.Td>
                <Table.Td>
                  {formatDateTime(override.start)} – {formatDateTime(override.end)}
                </Table.Td>
                <Table.Td>
                  {canWrite && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={async () => {
                        await oncall.removeOverride(schedule.id, override.id);
                        await onChange();
                      }}
                    >
                      Remove
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canWrite && (
        <Group align="flex-end" mt="sm" gap="xs">
          <Select label="Person" searchable data={userOptions} value={person} onChange={setPerson} data-testid="override-person" />
          <TextInput
            label="From"
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
            data-testid="override-start"
          />
          <TextInput
            label="Until"
            type="datetime-local"
            value={end}
            onChange={(e) => setEnd(e.currentTarget.value)}
            data-testid="override-end"
          />
          <Button onClick={add} data-testid="add-override">
            Add override
          </Button>
        </Group>
      )}
      <ProblemAlert error={error} />
    </SectionCard>
  );
}
