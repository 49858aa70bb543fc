import type { Versioned } from '@estate/client';
import { type CreateMaintenanceWindowRequest, type MaintenanceSchedule, type MaintenanceWindow, WEEKDAY_NAMES } from '@estate/contract';
import {
  Button,
  Chip,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteParams } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { fieldErrorsOf } from '../../../components/field-errors';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { ScopePicker, type ScopeValue, scopeRequest } from './ScopePicker';
import { maintenanceWindowQuery, SUPPRESSION_QUERY_KEY } from './suppression-queries';

type Kind = MaintenanceSchedule['kind'];

const DAY_LABELS: Record<(typeof WEEKDAY_NAMES)[number], string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  // Chromium leaves UTC out of the canonical list, yet it is what many servers run in.
  return [...new Set(['UTC', ...(intl.supportedValuesOf?.('timeZone') ?? [])])];
}

/** A new maintenance window: once or recurring, in a time zone, covering CIs, checks, tags or label matchers. */
export function MaintenanceFormPage() {
  const me = useMe();
  if (!can(me, 'alerting:write')) return <NoPermission permission="alerting:write" />;
  return <MaintenanceForm />;
}

/** Edits a window (`/alerting/maintenance/$id`); saving sends the change with the ETag read. */
export function EditMaintenancePage() {
  const me = useMe();
  const { id } = useRouteParams('/alerting/maintenance/$id');
  const api = useApi();
  const window = useQuery({ ...maintenanceWindowQuery(api, id), refetchOnWindowFocus: false });
  if (!can(me, 'alerting:write')) return <NoPermission permission="alerting:write" />;
  if (window.error) return <ProblemAlert error={window.error} />;
  if (!window.data) return null;
  return <MaintenanceForm window={window.data} />;
}

const recurring = (schedule: MaintenanceSchedule | undefined) => (schedule && schedule.kind !== 'once' ? schedule : undefined);

function MaintenanceForm({ window }: { window?: Versioned<MaintenanceWindow> }) {
  const existing = window?.value;
  const rule = recurring(existing?.schedule);
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const zones = useMemo(timeZones, []);
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [timeZone, setTimeZone] = useState(existing?.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  const [kind, setKind] = useState<Kind>(existing?.schedule.kind ?? 'once');
  const [start, setStart] = useState(existing?.schedule.kind === 'once' ? existing.schedule.start : '');
  const [end, setEnd] = useState(existing?.schedule.kind === 'once' ? existing.schedule.end : '');
  const [days, setDays] = useState<string[]>(rule?.kind === 'weekly' ? [...rule.days] : ['sun']);
  const [dayOfMonth, setDayOfMonth] = useState<number | string>(rule?.kind === 'monthly' ? rule.dayOfMonth : 1);
  const [startTime, setStartTime] = useState(rule?.startTime ?? '02:00');
  const [durationMinutes, setDurationMinutes] = useState<number | string>(rule?.durationMinutes ?? 120);
  const [from, setFrom] = useState(rule?.from ?? '');
  const [until, setUntil] = useState(rule?.until ?? '');
  const [scope, setScope] = useState<ScopeValue>({
    ciIds: existing?.scope.ciIds ?? [],
    checks: (existing?.scope.checkIds ?? []).map((id) => ({ id, name: '' })),
    tags: existing?.scope.tags ?? [],
    matchers: existing?.scope.matchersText ?? '',
  });

  const schedule = (): MaintenanceSchedule => {
    if (kind === 'once') return { kind, start, end };
    const base = { startTime, durationMinutes: Number(durationMinutes), ...(from ? { from } : {}), ...(until ? { until } : {}) };
    if (kind === 'weekly') return { kind, days: days as (typeof WEEKDAY_NAMES)[number][], ...base };
    if (kind === 'monthly') return { kind, dayOfMonth: Number(dayOfMonth), ...base };
    return { kind, ...base };
  };
  const save = useMutation({
    mutationFn: () => {
      const request: CreateMaintenanceWindowRequest = { name, description, timeZone, schedule: schedule(), scope: scopeRequest(scope) };
      return window ? api.updateMaintenanceWindow(window.value.id, request, window.etag ?? '') : api.createMaintenanceWindow(request);
    },
    onSuccess: async ({ value }) => {
      notifications.show({ color: 'teal', title: window ? 'Maintenance window saved' : 'Maintenance window created', message: value.name });
      await queryClient.invalidateQueries({ queryKey: SUPPRESSION_QUERY_KEY });
      await navigate({ to: '/alerting/maintenance' });
    },
  });
  const errors = fieldErrorsOf(save.error);

  return (
    <>
      <PageHeader
        title={existing ? `Edit ${existing.name}` : 'New maintenance window'}
        description="Alerts about what it covers are held back while it holds."
      />
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md" maw={900}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <TextInput
              label="Name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              data-testid="maintenance-name"
            />
            <Textarea label="Description" autosize value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            <Select
              label="Time zone"
              description="Times below are wall-clock times in this zone; recurring windows keep them across DST changes."
              searchable
              data={zones}
              value={timeZone}
              onChange={(zone) => zone && setTimeZone(zone)}
              error={errors.timeZone}
              maw={360}
              data-testid="maintenance-zone"
            />
            <SegmentedControl
              value={kind}
              onChange={(value) => setKind(value as Kind)}
              data={[
                { value: 'once', label: 'Once' },
                { value: 'daily', label: 'Daily' },
                { value: 'weekly', label: 'Weekly' },
                { value: 'monthly', label: 'Monthly' },
              ]}
              data-testid="maintenance-kind"
            />
            {kind === 'once' ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  type="datetime-local"
                  label="Starts"
                  required
                  value={start}
                  onChange={(e) => setStart(e.currentTarget.value)}
                  error={errors['schedule.start']}
                  data-testid="maintenance-start"
                />
                <TextInput
                  type="datetime-local"
                  label="Ends"
                  required
                  value={end}
                  onChange={(e) => setEnd(e.currentTarget.value)}
                  error={errors['schedule.end']}
                  data-testid="maintenance-end"
                />
              </SimpleGrid>
            ) : (
              <Stack gap="sm">
                {kind === 'weekly' && (
                  <Stack gap={4}>
                    <Text size="sm" fw={500}>
                      On
                    </Text>
                    <Chip.Group multiple value={days} onChange={setDays}>
                      <Group gap={6} data-testid="maintenance-days">
                        {WEEKDAY_NAMES.map((day) => (
                          <Chip key={day} value={day} size="sm">
                            {DAY_LABELS[day]}
                          </Chip>
                        ))}
                      </Group>
                    </Chip.Group>
                    {errors['schedule.days'] && (
                      <Text size="sm" c="red">
                        {errors['schedule.days']}
                      </Text>
                    )}
                  </Stack>
                )}
                {kind === 'monthly' && (
                  <NumberInput
                    label="Day of the month"
                    description="-1 for the last day"
                    min={-1}
                    max={31}
                    value={dayOfMonth}
                    onChange={setDayOfMonth}
                    error={errors['schedule.dayOfMonth']}
                    maw={200}
                  />
                )}
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput
                    type="time"
                    label="Starts at"
                    value={startTime}
                    onChange={(e) => setStartTime(e.currentTarget.value)}
                    error={errors['schedule.startTime']}
                    data-testid="maintenance-start-time"
                  />
                  <NumberInput
                    label="Duration (minutes)"
                    min={1}
                    max={10080}
                    value={durationMinutes}
                    onChange={setDurationMinutes}
                    error={errors['schedule.durationMinutes']}
                  />
                  <TextInput
                    type="date"
                    label="First day (optional)"
                    value={from}
                    onChange={(e) => setFrom(e.currentTarget.value)}
                    error={errors['schedule.from']}
                  />
                  <TextInput
                    type="date"
                    label="Last day (optional)"
                    value={until}
                    onChange={(e) => setUntil(e.currentTarget.value)}
                    error={errors['schedule.until']}
                  />
                </SimpleGrid>
              </Stack>
            )}
            <ScopePicker value={scope} onChange={setScope} errors={errors} />
            <ProblemAlert error={save.error} shownFields={Object.keys(errors)} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => void navigate({ to: '/alerting/maintenance' })}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="save-maintenance">
                {window ? 'Save window' : 'Create window'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
