import type { Check } from '@estate/contract';
import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { DataTableColumn } from '../../components/DataTable';
import { formatRelative } from '../inventory/ci-labels';
import { CheckStateBadge } from './CheckStateBadge';
import { checkTypeLabel, formatRunDuration } from './check-format';

/** The checks' columns: state, name, type, target, last run, its duration and message. */
export const CHECK_COLUMNS: DataTableColumn<Check>[] = [
  {
    id: 'state',
    header: 'State',
    width: 100,
    cell: (check) => <CheckStateBadge state={check.status.state} disabled={!check.enabled} />,
  },
  {
    id: 'name',
    header: 'Name',
    cell: (check) => (
      <Anchor renderRoot={(props) => <Link {...props} to="/checks/$id" params={{ id: check.id }} />} size="sm" data-testid="check-link">
        {check.name}
      </Anchor>
    ),
  },
  { id: 'type', header: 'Type', width: 90, cell: (check) => checkTypeLabel(check.type) },
  {
    id: 'target',
    header: 'Target',
    cell: (check) => (
      <Text size="sm" truncate="end" maw={260} title={check.target}>
        {check.target}
      </Text>
    ),
  },
  {
    id: 'lastRun',
    header: 'Last run',
    width: 110,
    cell: (check) => (
      <Text size="sm" c={check.status.lastRunAt === null ? 'dimmed' : undefined} data-testid="check-last-run">
        {check.status.lastRunAt === null ? 'never' : formatRelative(check.status.lastRunAt)}
      </Text>
    ),
  },
  { id: 'duration', header: 'Took', width: 80, cell: (check) => formatRunDuration(check.status.lastDurationMs) },
  {
    id: 'message',
    header: 'Last message',
    cell: (check) => (
      <Text size="sm" c="dimmed" truncate="end" maw={320} title={check.status.lastMessage ?? undefined} data-testid="check-message">
        {check.status.lastMessage ?? '—'}
      </Text>
    ),
  },
];
