import type { User } from '@estate/contract';
import { Button, Checkbox, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { confirmsRule, newPasswordRule, revokedSummary } from '../../components/password-rules';

/** Props of `SetPasswordModal`. */
export interface SetPasswordModalProps {
  user: User;
  onClose: () => void;
}

interface SetPasswordValues {
  newPassword: string;
  confirm: string;
  keepTokens: boolean;
}

/** Dialog with which an administrator sets another user's password. */
export function SetPasswordModal({ user, onClose }: SetPasswordModalProps) {
  const api = useApi();
  const form = useForm<SetPasswordValues>({
    initialValues: { newPassword: '', confirm: '', keepTokens: false },
    validate: { newPassword: newPasswordRule, confirm: confirmsRule<SetPasswordValues>('newPassword') },
  });
  const setPassword = useMutation({
    mutationFn: ({ newPassword, keepTokens }: SetPasswordValues) =>
      api.setUserPassword(user.id, newPassword, keepTokens ? { keepTokens } : undefined),
    onSuccess: ({ sessionsRevoked, tokensRevoked }) => {
      notifications.show({
        color: 'teal',
        title: 'Password set',
        message: `${user.email} can sign in with the new password. ${revokedSummary(sessionsRevoked, tokensRevoked)}`,
      });
      onClose();
    },
  });
  useServerFieldErrors(form, setPassword.error);

  return (
    <Modal opened onClose={onClose} title="Set password" centered>
      <form onSubmit={form.onSubmit((values) => setPassword.mutate(values))} noValidate data-testid="set-password-form">
        <Stack gap="sm">
          <Text size="sm">
            Set a new password for <b>{user.name}</b> ({user.email}). They are signed out everywhere, and their API tokens are revoked
            unless you keep them.
          </Text>
          <PasswordInput
            label="New password"
            description="At least 12 characters."
            required
            autoComplete="new-password"
            {...form.getInputProps('newPassword')}
            data-autofocus
          />
          <PasswordInput label="Confirm password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Checkbox
            label="Keep their API tokens working"
            {...form.getInputProps('keepTokens', { type: 'checkbox' })}
            data-testid="keep-tokens"
          />
          <ProblemAlert error={setPassword.error} shownFields={['newPassword']} />
          <Group justify="flex-end" gap="xs" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={setPassword.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
