import type { CreateUserRequest, Role } from '@estate/contract';
import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ROLE_OPTIONS } from './role-options';
import { USERS_QUERY_KEY } from './users-queries';

/** Props of `CreateUserModal`. */
export interface CreateUserModalProps {
  opened: boolean;
  onClose: () => void;
}

const SHOWN_FIELDS = ['email', 'name', 'role', 'password'];

interface NewUserValues {
  name: string;
  email: string;
  role: Role;
  password: string;
  confirm: string;
}

const EMPTY: NewUserValues = { name: '', email: '', role: 'viewer', password: '', confirm: '' };

/** Dialog that creates a user with a role and an initial password. */
export function CreateUserModal({ opened, onClose }: CreateUserModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const form = useForm<NewUserValues>({
    initialValues: EMPTY,
    validate: { confirm: (confirm, values) => (confirm === values.password ? null : 'The passwords do not match') },
  });
  const create = useMutation({
    mutationFn: (request: CreateUserRequest) => api.createUser(request),
    onSuccess: async (user) => {
      notifications.show({ color: 'teal', title: 'User created', message: `${user.name} can now sign in as ${user.email}.` });
      await queryClient.invalidateQueries({ queryKey: USERS_QUERY_KEY });
      close();
    },
  });
  useServerFieldErrors(form, create.error);

  const close = () => {
    create.reset();
    form.reset();
    onClose();
  };

  const submit = form.onSubmit(({ email, name, role, password }) =>
    create.mutate({ email: email.trim(), name: name.trim(), role, password }),
  );

  return (
    <Modal opened={opened} onClose={close} title="Create user" centered>
      <form onSubmit={submit} noValidate data-testid="create-user-form">
        <Stack gap="sm">
          <TextInput label="Name" required {...form.getInputProps('name')} data-autofocus data-testid="user-name" />
          <TextInput label="Email" type="email" required autoComplete="off" {...form.getInputProps('email')} data-testid="user-email" />
          <Select<Role> label="Role" data={ROLE_OPTIONS} {...form.getInputProps('role')} allowDeselect={false} data-testid="user-role" />
          <PasswordInput
            label="Initial password"
            description="At least 12 characters. Share it safely; the user can change it on their profile."
            required
            autoComplete="new-password"
            {...form.getInputProps('password')}
            data-testid="user-password"
          />
          <PasswordInput label="Confirm password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
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
