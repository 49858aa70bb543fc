import type { User } from '@estate/contract';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Props of `SetPasswordModal`. */
export interface SetPasswordModalProps {
  user: User;
  onClose: () => void;
}

/** Dialog with which an administrator sets another user's password. */
export function SetPasswordModal({ user, onClose }: SetPasswordModalProps) {
  const api = useApi();
  const [mismatch, setMismatch] = useState(false);
  const setPassword = useMutation({
    mutationFn: (newPassword: string) => api.setUserPassword(user.id, newPassword),
    onSuccess: () => {
      notifications.show({ color: 'teal', title: 'Password set', message: `${user.email} can sign in with the new password.` });
      onClose();
    },
  });
  const errors = fieldErrorsOf(setPassword.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('newPassword') ?? '');
    const isMismatch = password !== String(form.get('confirm') ?? '');
    setMismatch(isMismatch);
    if (!isMismatch) setPassword.mutate(password);
  };

  return (
    <Modal opened onClose={onClose} title="Set password" centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            Set a new password for <b>{user.name}</b> ({user.email}).
          </Text>
          <PasswordInput
            name="newPassword"
            label="New password"
            description="At least 12 characters."
            required
            autoComplete="new-password"
            error={errors.newPassword ?? errors.password}
            data-autofocus
          />
          <PasswordInput
            name="confirm"
            label="Confirm password"
            required
            autoComplete="new-password"
            error={mismatch ? 'The passwords do not match' : undefined}
          />
          <ProblemAlert error={setPassword.error} shownFields={['newPassword', 'password']} />
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
