import type { Silence, SilenceStateName } from '@estate/contract';
import { Badge, Button, Code, Group, Paper, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import type { DataTableColumn } from '../../../components/data-table-column';
import { formatDateTime } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { useMe } from '../../auth/use-me';
import { SuppressionTabs } from './SuppressionTabs';
import { SUPPRESSION_QUERY_KEY, silencesQuery } from './suppression-queries';

const STATE_COLORS: Record<SilenceStateName, string> = { active: 'orange', pending: 'blue', expired: 'gray' };

/** Silences by state (active, pending, expired), searchable by matcher text; writers create and expire them. */
export function SilencesPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Silences canWrite={can(me, 'alerting:write')} />;
}

function Silences({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [state, setState] = useState<SilenceStateName>('active');
  const [matcher, setMatcher] = useState('');
  const [debounced] = useDebouncedValue(matcher.trim(), 300);
  const list = usePagedQuery(silencesQuery(api, state, debounced));

  const expire = async (silence: Silence) => {
    await api.expireSilence(silence.id);
    notifications.show({ color: 'teal', title: 'Silence expired', message: `${silence.matchersText} no longer mutes alerts.` });
    await queryClient.invalidateQueries({ queryKey: SUPPRESSION_QUERY_KEY });
  };

  const columns: DataTableColumn<Silence>[] = [
    {
      id: 'matchers',
      header: 'Matchers',
      cell: (silence) => (
        <Group gap={4}>
          {silence.matchers.map((m) => (
            <Code key={`${m.name}${m.type}${m.value}`} data-testid="silence-matcher">
              {m.name}
              {m.type}"{m.value}"
            </Code>
          ))}
        </Group>
      ),
    },
    {
      id: 'state',
      header: 'State',
      width: 100,
      cell: (silence) => (
        <Badge color={STATE_COLORS[silence.state]} variant="light" data-testid="silence-state">
          {silence.state}
        </Badge>
      ),
    },
    { id: 'starts', header: 'Starts', width: 170, cell: (silence) => formatDateTime(silence.startsAt) },
    { id: 'ends', header: 'Ends', width: 170, cell: (silence) => formatDateTime(silence.endsAt) },
    {
      id: 'comment',
      header: 'Comment',
      cell: (silence) => (
        <>
          <Text size="sm">{silence.comment}</Text>
          <Text size="xs" c="dimmed">
            {silence.createdBy}
          </Text>
        </>
      ),
    },
    {
      id: 'actions',
      header: '',
      width: 110,
      cell: (silence) =>
        canWrite && silence.state !== 'expired' ? (
          <ConfirmButton
            size="xs"
            variant="light"
            color="red"
            label="Expire"
            title="Expire this silence?"
            message={`Alerts matching ${silence.matchersText} will notify again at once. The silence stays listed as expired.`}
            confirmLabel="Expire now"
            onConfirm={() => expire(silence)}
            data-testid="expire-silence"
          />
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Silences"
        description="Mute notifications for alerts matching label matchers, for a while. Expired silences stay for history."
        actions={
          canWrite && (
            <Button renderRoot={(props) => <Link {...props} to="/alerting/silences/new" />} data-testid="create-silence">
              New silence
            </Button>
          )
        }
      />
      <SuppressionTabs active="/alerting/silences" />
      <Paper withBorder p="sm" mb="sm">
        <Group gap="md" align="flex-end" wrap="wrap">
          <SegmentedControl
            value={state}
            onChange={(value) => setState(value as SilenceStateName)}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'pending', label: 'Pending' },
              { value: 'expired', label: 'Expired' },
            ]}
            data-testid="silence-state-tabs"
          />
          <TextInput
            placeholder='Matcher text, e.g. team="db"'
            value={matcher}
            onChange={(event) => setMatcher(event.currentTarget.value)}
            aria-label="Filter by matcher"
            style={{ flex: 1, minWidth: 220 }}
            data-testid="silence-filter"
          />
        </Group>
      </Paper>
      <ProblemAlert error={list.error} />
      <DataTable
        columns={columns}
        rows={list.items}
        rowKey={(silence) => silence.id}
        loading={list.isPending}
        empty={debounced ? 'No silence matches this text.' : `No ${state} silences.`}
        list={list}
        minWidth={900}
        testId="silences-table"
        rowTestId="silence-row"
      />
    </>
  );
}
