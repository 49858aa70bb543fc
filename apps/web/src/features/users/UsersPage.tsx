import type { Role, User } from '@estate/contract';
import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { CreateUserModal } from './CreateUserModal';
import { EditUserModal } from './EditUserModal';
import { ROLE_OPTIONS } from './role-options';
import { SetPasswordModal } from './SetPasswordModal';
import { UsersTable } from './UsersTable';
import { usersListQuery } from './users-queries';

/** The user administration page: a filterable list, and for `users:write` holders create, edit and reset. */
export function UsersPage() {
  const me = useMe();
  if (!can(me, 'users:read')) return <NoPermission permission="users:read" />;
  return <UsersDirectory canWrite={can(me, 'users:write')} />;
}

function UsersDirectory({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [role, setRole] = useState<Role | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const list = usePagedQuery(usersListQuery(api, { q: q || undefined, role: role ?? undefined }));
  const users = list.items;

  return (
    <>
      <PageHeader
        title="Users"
        description="People who can sign in to Estate, and what their role lets them do."
        actions={
          canWrite && (
            <Button onClick={() => setCreating(true)} data-testid="create-user">
              Create user
            </Button>
          )
        }
      />
      <Group mb="md" gap="sm" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name or email"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={{ base: '100%', xs: 260 }}
          data-testid="users-search"
        />
        <Select<Role>
          label="Role"
          placeholder="Any role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={setRole}
          clearable
          w={{ base: '100%', xs: 300 }}
        />
      </Group>
      <ProblemAlert error={list.error} />
      <UsersTable users={users} loading={list.isPending} list={list} canWrite={canWrite} onEdit={setEditing} onSetPassword={setResetting} />
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      {editing && <EditUserModal userId={editing.id} onClose={() => setEditing(null)} />}
      {resetting && <SetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}
