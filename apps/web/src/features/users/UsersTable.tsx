import type { User } from '@estate/contract';
import { Badge, Button, Group, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import type { PagedList } from '../../components/paged-query';
import { plural } from '../../components/plural';
import { ROLE_COLORS } from './role-options';

/** Props of `UsersTable`. */
export interface UsersTableProps {
  users: readonly User[];
  loading: boolean;
  /** The keyset list the users came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
  /** Shows the edit and set-password buttons. */
  canWrite: boolean;
  onEdit: (user: User) => void;
  onSetPassword: (user: User) => void;
}

const COLUMNS: DataTableColumn<User>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: (user) => (
      <>
        <Text size="sm" fw={500}>
          {user.name}
        </Text>
        <Text size="xs" c="dimmed">
          {user.email}
        </Text>
      </>
    ),
  },
  {
    id: 'role',
    header: 'Role',
    cell: (user) => (
      <Badge variant="light" color={ROLE_COLORS[user.role]}>
        {user.role}
      </Badge>
    ),
  },
  { id: 'mfa', header: 'MFA', cell: (user) => <Text size="sm">{user.mfaEnabled ? 'On' : 'Off'}</Text> },
  {
    id: 'status',
    header: 'Status',
    cell: (user) => (
      <Badge variant="dot" color={user.disabled ? 'gray' : 'teal'}>
        {user.disabled ? 'Disabled' : 'Active'}
      </Badge>
    ),
  },
  { id: 'lastLogin', header: 'Last sign-in', cell: (user) => <Text size="sm">{formatDateTime(user.lastLoginAt)}</Text> },
];

/** The user list as a table that scrolls sideways on narrow screens, with the count of users at its foot. */
export function UsersTable({ users, loading, list, canWrite, onEdit, onSetPassword }: UsersTableProps) {
  const actions: DataTableColumn<User> = {
    id: 'actions',
    header: '',
    cell: (user) => (
      <Group gap={6} justify="flex-end" wrap="nowrap">
        <Button size="xs" variant="default" onClick={() => onEdit(user)} aria-label={`Edit ${user.email}`}>
          Edit
        </Button>
        <Button size="xs" variant="default" onClick={() => onSetPassword(user)} aria-label={`Set password of ${user.email}`}>
          Set password
        </Button>
      </Group>
    ),
  };
  return (
    <DataTable
      columns={canWrite ? [...COLUMNS, actions] : COLUMNS}
      rows={users}
      rowKey={(user) => user.id}
      loading={loading}
      empty="No users match."
      list={list}
      endLabel={plural(users.length, 'user')}
      minWidth={760}
      testId="users-table"
      rowTestId="user-row"
    />
  );
}
