import { ApiError, type Versioned } from '@estate/client';
import type { DeliveryVerdictAnswer, NotificationChannel, NotificationChannelType } from '@estate/contract';
import { Alert, Anchor, Button, Center, Group, Loader, Paper, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteParams } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { ChannelFieldInput } from './ChannelFieldInput';
import { type ChannelFormValues, createRequest, formErrorsOf, initialValues, testRequest, updateRequest } from './channel-form';
import { CHANNELS_QUERY_KEY, channelQuery, channelTypesQuery } from './channels-queries';

/** Creates a channel (`/alerting/channels/new`); saving opens it. */
export function NewChannelPage() {
  const me = useMe();
  if (!can(me, 'alerting:write')) return <NoPermission permission="alerting:write" />;
  return (
    <>
      <PageHeader
        title="New channel"
        description="Where notifications go, and how they are sent. Secrets are sealed and never shown again."
      />
      <ChannelFormLoader canWrite />
    </>
  );
}

/** A channel (`/alerting/channels/$id`): its settings to edit, send test, delete. */
export function ChannelPage() {
  const me = useMe();
  const { id } = useRouteParams('/alerting/channels/$id');
  const api = useApi();
  const channel = useQuery(channelQuery(api, id));
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  if (channel.error) return <ProblemAlert error={channel.error} />;
  if (!channel.data) return <Spinner />;
  return (
    <>
      <PageHeader title={channel.data.value.name} description="Secrets are write-only: an empty secret keeps the stored one." />
      <Group gap="md" mb="sm">
        <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerting/channels" />}>
          All channels
        </Anchor>
        <Anchor
          size="sm"
          renderRoot={(props) => <Link {...props} to="/alerting/notifications" search={{ channelId: id }} />}
          data-testid="channel-deliveries"
        >
          Its deliveries
        </Anchor>
      </Group>
      <ChannelFormLoader key={channel.data.etag} channel={channel.data} canWrite={can(me, 'alerting:write')} />
    </>
  );
}

function Spinner() {
  return (
    <Center py="xl">
      <Loader size="sm" />
    </Center>
  );
}

function ChannelFormLoader({ channel, canWrite }: { channel?: Versioned<NotificationChannel>; canWrite: boolean }) {
  const api = useApi();
  const types = useQuery(channelTypesQuery(api));
  if (types.error) return <ProblemAlert error={types.error} />;
  if (!types.data) return <Spinner />;
  return <ChannelForm types={types.data} channel={channel} canWrite={canWrite} />;
}

function ChannelForm({
  types,
  channel,
  canWrite,
}: {
  types: NotificationChannelType[];
  channel?: Versioned<NotificationChannel>;
  canWrite: boolean;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const startType = types.find((t) => t.type === (channel?.value.type ?? 'webhook')) ?? types[0]!;
  const [values, setValues] = useState<ChannelFormValues>(() => initialValues(startType, channel?.value));
  const type = types.find((t) => t.type === values.type) ?? startType;
  const [verdict, setVerdict] = useState<DeliveryVerdictAnswer | null>(null);

  const save = useMutation({
    mutationFn: () =>
      channel
        ? api.updateNotificationChannel(channel.value.id, updateRequest(type, values), channel.etag ?? '')
        : api.createNotificationChannel(createRequest(type, values)),
    onSuccess: async ({ value }) => {
      notifications.show({ color: 'teal', title: channel ? 'Channel saved' : 'Channel created', message: value.name });
      await queryClient.invalidateQueries({ queryKey: CHANNELS_QUERY_KEY });
      if (!channel) await navigate({ to: '/alerting/channels/$id', params: { id: value.id } });
    },
  });
  const test = useMutation({
    mutationFn: () => api.testUnsavedNotificationChannel(testRequest(type, values, channel?.value.id)),
    onMutate: () => setVerdict(null),
    onSuccess: (answer) => setVerdict(answer),
  });
  const remove = async () => {
    if (!channel) return;
    await api.deleteNotificationChannel(channel.value.id, channel.etag ?? '');
    await queryClient.invalidateQueries({ queryKey: CHANNELS_QUERY_KEY });
    await navigate({ to: '/alerting/channels' });
  };
  const error = save.error ?? test.error;
  const serverErrors = formErrorsOf(error instanceof ApiError ? error.fieldErrors() : {});
  const setField = (name: string, value: string | boolean) => setValues((v) => ({ ...v, fields: { ...v.fields, [name]: value } }));
  const storedSecrets = new Set(channel?.value.secretNames ?? []);

  return (
    <Stack maw={900}>
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md">
        <form
          data-testid="channel-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <Group grow align="flex-start">
              <TextInput
                label="Name"
                required
                value={values.name}
                onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
                error={serverErrors.other.name}
                data-testid="channel-name"
              />
              <Select
                label="Type"
                data={types.map((t) => ({ value: t.type, label: t.title }))}
                value={values.type}
                disabled={Boolean(channel)}
                allowDeselect={false}
                searchable
                onChange={(next) => {
                  const nextType = types.find((t) => t.type === next);
                  if (nextType)
                    setValues({
                      ...initialValues(nextType),
                      name: values.name,
                      enabled: values.enabled,
                      sendResolved: values.sendResolved,
                    });
                  setVerdict(null);
                }}
                data-testid="channel-type"
              />
            </Group>
            <Group>
              <Switch
                label="Enabled"
                checked={values.enabled}
                onChange={(e) => setValues({ ...values, enabled: e.currentTarget.checked })}
                data-testid="channel-enabled"
              />
              <Switch
                label="Send resolved notifications"
                checked={values.sendResolved}
                onChange={(e) => setValues({ ...values, sendResolved: e.currentTarget.checked })}
                data-testid="channel-send-resolved"
              />
            </Group>
            {type.fields.map((field) => (
              <ChannelFieldInput
                key={`${type.type}.${field.name}`}
                field={field}
                value={values.fields[field.name] ?? ''}
                onChange={(value) => setField(field.name, value)}
                stored={field.secret && storedSecrets.has(field.name)}
                error={serverErrors.fields[field.name]}
              />
            ))}
            <ProblemAlert
              error={error}
              shownFields={[...Object.keys(serverErrors.fields).flatMap((f) => [`settings.${f}`, `secrets.${f}`]), 'name']}
            />
            {verdict && <VerdictAlert verdict={verdict} />}
            {canWrite && (
              <Group justify="space-between">
                <Group>
                  <Button type="submit" loading={save.isPending} data-testid="channel-submit">
                    {channel ? 'Save' : 'Create channel'}
                  </Button>
                  <Button variant="default" loading={test.isPending} onClick={() => test.mutate()} data-testid="channel-test">
                    Send test
                  </Button>
                </Group>
                {channel && (
                  <ConfirmButton
                    label="Delete"
                    title={`Delete ${channel.value.name}?`}
                    message="Notifications routed to it stop; deliveries still due fail saying the channel was deleted. Its delivery log stays."
                    confirmLabel="Delete"
                    onConfirm={remove}
                    data-testid="channel-delete"
                  />
                )}
              </Group>
            )}
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}

/** What a test send answered. */
function VerdictAlert({ verdict }: { verdict: DeliveryVerdictAnswer }) {
  const color = verdict.outcome === 'delivered' ? 'teal' : verdict.outcome === 'retry' ? 'yellow' : 'red';
  const title =
    verdict.outcome === 'delivered'
      ? 'Test notification delivered'
      : verdict.outcome === 'retry'
        ? 'Not delivered yet: a real notification would be retried'
        : 'Not delivered';
  return (
    <Alert color={color} title={title} data-testid="channel-test-verdict" data-outcome={verdict.outcome}>
      <Stack gap={2}>
        {verdict.httpStatus !== undefined && <Text size="sm">The provider answered HTTP {verdict.httpStatus}.</Text>}
        {verdict.providerId && <Text size="sm">Provider id: {verdict.providerId}</Text>}
        {verdict.reason && <Text size="sm">{verdict.reason}</Text>}
      </Stack>
    </Alert>
  );
}
