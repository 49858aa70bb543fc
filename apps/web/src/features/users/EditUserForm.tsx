import { isApiError, type VersionedUser } from '@estate/client';
import { ProblemType, type Role, type UpdateUserRequest } from '@estate/contract';
import { Alert, Button, Group, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ROLE_OPTIONS } from './role-options';
import { USERS_QUERY_KEY, userQuery } from './users-queries';

/** Props of `EditUserForm`. */
export interface EditUserFormProps {
  /** The version being edited; its ETag guards the save. */
  versioned: VersionedUser;
  onDone: () => void;
  /** Re-reads the user after a conflict. */
  onReload: () => unknown;
}

/** The fields of the edit dialog; sends only what changed, with `If-Match`. */
export function EditUserForm({ versioned, onDone, onReload }: EditUserFormProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { user, etag } = versioned;
  const form = useForm<{ name: string; role: Role; disabled: boolean }>({
    initialValues: { name: user.name, role: user.role, disabled: user.disabled },
  });

  const update = useMutation({
    // A missing ETag is sent as an empty If-Match, which the server refuses (428) rather than overwriting blindly.
    mutationFn: (patch: UpdateUserRequest) => api.updateUser(user.id, patch, etag ?? ''),
    onSuccess: async (saved) => {
      queryClient.setQueryData(userQuery(api, user.id).queryKey, saved);
      await queryClient.invalidateQueries({ queryKey: [...USERS_QUERY_KEY, 'list'] });
      notifications.show({ color: 'teal', title: 'User saved', message: `${saved.user.email} was updated.` });
      onDone();
    },
  });
  const conflict = isApiError(update.error, ProblemType.preconditionFailed);
  useServerFieldErrors(form, update.error);

  const submit = form.onSubmit(({ name, role, disabled }) => {
    const patch: UpdateUserRequest = {};
    if (name.trim() !== user.name) patch.name = name.trim();
    if (role !== user.role) patch.role = role;
    if (disabled !== user.disabled) patch.disabled = disabled;
    if (Object.keys(patch).length === 0) onDone();
    else update.mutate(patch);
  });

  return (
    <form onSubmit={submit} noValidate data-testid="edit-user-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {user.email}
        </Text>
        <TextInput label="Name" {...form.getInputProps('name')} required data-testid="edit-user-name" />
        <Select<Role> label="Role" data={ROLE_OPTIONS} {...form.getInputProps('role')} allowDeselect={false} />
        <Switch
          label="Disabled"
          description="A disabled user cannot sign in, and their sessions and tokens stop working."
          {...form.getInputProps('disabled', { type: 'checkbox' })}
        />
        {conflict ? (
          <Alert color="orange" title="Someone else changed this user" data-testid="edit-conflict">
            <Text size="sm">Your changes were not saved. Reload to see the latest version, then make your change again.</Text>
            <Button size="xs" mt="sm" variant="default" onClick={() => onReload()}>
              Reload
            </Button>
          </Alert>
        ) : (
          <ProblemAlert error={update.error} shownFields={['name', 'role']} />
        )}
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending} disabled={conflict}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
