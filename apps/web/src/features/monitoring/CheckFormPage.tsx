import type { Versioned } from '@estate/client';
import type { Check, CheckTypeInfo, CreateCheckRequest, UpdateCheckRequest } from '@estate/contract';
import { Anchor, Center, Loader, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { can } from '../../app/auth-guard';
import { useRouteParams, useRouteSearch } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useMe } from '../auth/use-me';
import { CheckForm } from './CheckForm';
import { checkQuery, checkTypesQuery, MONITORING_QUERY_KEY } from './monitoring-queries';

/** Creates a check (`/checks/new`, optionally `?ciId=` to start bound to that CI); saving opens its page. */
export function NewCheckPage() {
  const me = useMe();
  const { ciId } = useRouteSearch('/checks/new');
  if (!can(me, 'monitoring:write')) return <NoPermission permission="monitoring:write" />;
  return (
    <>
      <PageHeader title="New check" description="What to reach, how often, and the conditions a run must pass." />
      <CheckFormLoader ciIds={ciId ? [ciId] : []} canBindCis={can(me, 'inventory:read')} />
    </>
  );
}

/** Edits a check (`/checks/$id/edit`); saving sends the change with the ETag read and opens its page. */
export function EditCheckPage() {
  const me = useMe();
  const { id } = useRouteParams('/checks/$id/edit');
  const api = useApi();
  // Read once: the form must not start over when the check's state is re-read in the background.
  const check = useQuery({ ...checkQuery(api, id), refetchInterval: false, refetchOnWindowFocus: false });
  if (!can(me, 'monitoring:write')) return <NoPermission permission="monitoring:write" />;
  if (check.error) return <ProblemAlert error={check.error} />;
  if (!check.data) return <Spinner />;
  return (
    <>
      <PageHeader title={`Edit ${check.data.value.name}`} />
      <Text size="sm" mb="sm">
        <Anchor renderRoot={(props) => <Link {...props} to="/checks/$id" params={{ id }} />}>Back to the check</Anchor>
      </Text>
      <CheckFormLoader check={check.data} canBindCis={can(me, 'inventory:read')} />
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

function CheckFormLoader({ check, ciIds, canBindCis }: { check?: Versioned<Check>; ciIds?: string[]; canBindCis: boolean }) {
  const api = useApi();
  const types = useQuery(checkTypesQuery(api));
  if (types.error) return <ProblemAlert error={types.error} />;
  if (!types.data) return <Spinner />;
  return <SaveCheck check={check} ciIds={ciIds} canBindCis={canBindCis} types={types.data} />;
}

function SaveCheck({
  check,
  ciIds,
  canBindCis,
  types,
}: {
  check: Versioned<Check> | undefined;
  ciIds: string[] | undefined;
  canBindCis: boolean;
  types: CheckTypeInfo[];
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (request: { create: CreateCheckRequest } | { update: UpdateCheckRequest }) =>
      'create' in request ? api.createCheck(request.create) : api.updateCheck(check?.value.id ?? '', request.update, check?.etag ?? ''),
    onSuccess: async ({ value }) => {
      notifications.show({
        color: 'teal',
        title: check ? 'Check saved' : 'Check created',
        message: `${value.name} runs every ${value.intervalSeconds} s.`,
      });
      await queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
      await navigate({ to: '/checks/$id', params: { id: value.id } });
    },
  });
  const cancel = () => (check ? navigate({ to: '/checks/$id', params: { id: check.value.id } }) : navigate({ to: '/checks' }));
  return (
    <Stack maw={900}>
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md">
        <CheckForm
          types={types}
          check={check?.value}
          ciIds={ciIds}
          canBindCis={canBindCis}
          onSave={(request) => save.mutate(request)}
          onCancel={() => void cancel()}
          pending={save.isPending}
          error={save.error}
        />
      </Paper>
    </Stack>
  );
}
