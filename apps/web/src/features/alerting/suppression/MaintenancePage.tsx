import type { MaintenanceWindow } from '@estate/contract';
import { Anchor, Badge, Button, Code, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
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
import { MaintenanceCalendar } from './MaintenanceCalendar';
import { SuppressionTabs } from './SuppressionTabs';
import { maintenanceWindowsQuery, SUPPRESSION_QUERY_KEY } from './suppression-queries';

/** How a window recurs, in words. */
function scheduleText(window: MaintenanceWindow): string {
  const s = window.schedule;
  if (s.kind === 'once') return `${s.start.replace('T', ' ')} → ${s.end.replace('T', ' ')}`;
  const at = `at ${s.startTime} for ${s.durationMinutes} min`;
  if (s.kind === 'daily') return `Daily ${at}`;
  if (s.kind === 'weekly') return `Every ${s.days.join(', ')} ${at}`;
  return `Monthly on day ${s.dayOfMonth === -1 ? 'last' : s.dayOfMonth} ${at}`;
}

function scopeText(window: MaintenanceWindow): string {
  const { scope } = window;
  return [
    scope.ciIds.length > 0 ? `${scope.ciIds.length} CI${scope.ciIds.length === 1 ? '' : 's'}` : '',
    scope.checkIds.length > 0 ? `${scope.checkIds.length} check${scope.checkIds.length === 1 ? '' : 's'}` : '',
    scope.tags.length > 0 ? `tags ${scope.tags.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Maintenance windows: a calendar of their occurrences and the list of windows. */
export function MaintenancePage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Maintenance canWrite={can(me, 'alerting:write')} />;
}

function Maintenance({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = usePagedQuery(maintenanceWindowsQuery(api));
  const remove = async (window: MaintenanceWindow) => {
    await api.deleteMaintenanceWindow(window.id, `"${window.id}.${window.version}"`);
    notifications.show({ color: 'teal', title: 'Window deleted', message: window.name });
    await queryClient.invalidateQueries({ queryKey: SUPPRESSION_QUERY_KEY });
  };
  const columns: DataTableColumn<MaintenanceWindow>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (w) => (
        <Stack gap={0}>
          {canWrite ? (
            <Anchor size="sm" fw={500} renderRoot={(props) => <Link {...props} to="/alerting/maintenance/$id" params={{ id: w.id }} />}>
              {w.name}
            </Anchor>
          ) : (
            <Text size="sm" fw={500}>
              {w.name}
            </Text>
          )}
          {w.current && (
            <Badge size="xs" color="violet" data-testid="window-now">
              in maintenance until {formatDateTime(w.current.end)}
            </Badge>
          )}
        </Stack>
      ),
    },
    {
      id: 'schedule',
      header: 'When',
      cell: (w) => (
        <Text size="sm">
          {scheduleText(w)}{' '}
          <Text span size="xs" c="dimmed">
            ({w.timeZone})
          </Text>
        </Text>
      ),
    },
    {
      id: 'scope',
      header: 'Covers',
      cell: (w) => (
        <Stack gap={0}>
          <Text size="sm">{scopeText(w)}</Text>
          {w.scope.matchersText && <Code>{w.scope.matchersText}</Code>}
        </Stack>
      ),
    },
    { id: 'next', header: 'Next', width: 170, cell: (w) => (w.next ? formatDateTime(w.next.start) : '—') },
    {
      id: 'actions',
      header: '',
      width: 100,
      cell: (w) =>
        canWrite ? (
          <ConfirmButton
            size="xs"
            variant="subtle"
            color="red"
            label="Delete"
            title={`Delete ${w.name}?`}
            message="Alerts about what it covers will notify during its times again."
            confirmLabel="Delete"
            onConfirm={() => remove(w)}
          />
        ) : null,
    },
  ];
  return (
    <>
      <PageHeader
        title="Maintenance"
        description="Planned work: alerts about the CIs, checks and labels a window covers are held back while it holds."
        actions={
          canWrite && (
            <Button renderRoot={(props) => <Link {...props} to="/alerting/maintenance/new" />} data-testid="create-maintenance">
              New window
            </Button>
          )
        }
      />
      <SuppressionTabs active="/alerting/maintenance" />
      <Stack>
        <MaintenanceCalendar />
        <ProblemAlert error={list.error} />
        <DataTable
          columns={columns}
          rows={list.items}
          rowKey={(w) => w.id}
          loading={list.isPending}
          empty="No maintenance windows yet."
          list={list}
          minWidth={800}
          testId="maintenance-table"
          rowTestId="maintenance-row"
        />
      </Stack>
    </>
  );
}
