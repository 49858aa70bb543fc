import type { User } from '@estate/contract';
import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../components/format-time';
import { ROLE_COLORS } from './role-options';

/** Props of `UsersTable`. */
export interface UsersTableProps {
  users: readonly User[];
  loading: boolean;
  /** Shows the edit and set-password buttons. */
  canWrite: boolean;
  onEdit: (user: User) => void;
  onSetPassword: (user: User) => void;
}

/** The user list as a table that scrolls sideways on narrow screens. */
export function UsersTable({ users, loading, canWrite, onEdit, onSetPassword }: UsersTableProps) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover verticalSpacing="sm" data-testid="users-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>MFA</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
            {canWrite && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} data-testid="user-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {user.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {user.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={ROLE_COLORS[user.role]}>
                  {user.role}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{user.mfaEnabled ? 'On' : 'Off'}</Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="dot" color={user.disabled ? 'gray' : 'teal'}>
                  {user.disabled ? 'Disabled' : 'Active'}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(user.lastLoginAt)}</Text>
              </Table.Td>
              {canWrite && (
                <Table.Td>
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => onEdit(user)} aria-label={`Edit ${user.email}`}>
                      Edit
                    </Button>
                    <Button size="xs" variant="default" onClick={() => onSetPassword(user)} aria-label={`Set password of ${user.email}`}>
                      Set password
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
          {!loading && users.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={canWrite ? 6 : 5}>
                <Text c="dimmed" ta="center" py="md">
                  No users match.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
