import type { CreateUserRequest, Role } from '@estate/contract';
import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ROLE_OPTIONS } from './role-options';
import { USERS_QUERY_KEY } from './users-queries';

/** Props of `CreateUserModal`. */
export interface CreateUserModalProps {
  opened: boolean;
  onClose: () => void;
}

const SHOWN_FIELDS = ['email', 'name', 'role', 'password'];

/** Dialog that creates a user with a role and an initial password. */
export function CreateUserModal({ opened, onClose }: CreateUserModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>('viewer');
  const [mismatch, setMismatch] = useState(false);
  const create = useMutation({
    mutationFn: (request: CreateUserRequest) => api.createUser(request),
    onSuccess: async (user) => {
      notifications.show({ color: 'teal', title: 'User created', message: `${user.name} can now sign in as ${user.email}.` });
      await queryClient.invalidateQueries({ queryKey: USERS_QUERY_KEY });
      close();
    },
  });
  const errors = fieldErrorsOf(create.error);

  const close = () => {
    create.reset();
    setMismatch(false);
    setRole('viewer');
    onClose();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    const isMismatch = value('password') !== value('confirm');
    setMismatch(isMismatch);
    if (!isMismatch) create.mutate({ email: value('email').trim(), name: value('name').trim(), role, password: value('password') });
  };

  return (
    <Modal opened={opened} onClose={close} title="Create user" centered>
      <form onSubmit={submit} noValidate data-testid="create-user-form">
        <Stack gap="sm">
          <TextInput name="name" label="Name" required error={errors.name} data-autofocus data-testid="user-name" />
          <TextInput name="email" label="Email" type="email" required autoComplete="off" error={errors.email} data-testid="user-email" />
          <Select<Role>
            label="Role"
            data={ROLE_OPTIONS}
            value={role}
            onChange={(value) => value && setRole(value)}
            allowDeselect={false}
            error={errors.role}
            data-testid="user-role"
          />
          <PasswordInput
            name="password"
            label="Initial password"
            description="At least 12 characters. Share it safely; the user can change it on their profile."
            required
            autoComplete="new-password"
            error={errors.password}
            data-testid="user-password"
          />
          <PasswordInput
            name="confirm"
            label="Confirm password"
            required
            autoComplete="new-password"
            error={mismatch ? 'The passwords do not match' : undefined}
          />
          <ProblemAlert error={create.error} shownFields={SHOWN_FIELDS} />
          <Group justify="flex-end" gap="xs" mt="xs">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="create-user-submit">
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
