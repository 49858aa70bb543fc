import type { ChangePasswordRequest } from '@estate/contract';
import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SectionCard } from '../../components/SectionCard';

/** Changes the own password. The server then ends every session, this one included, so it leads to the login page. */
export function ChangePasswordCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: (request: ChangePasswordRequest) => api.changePassword(request),
    onSuccess: async () => {
      queryClient.clear();
      notifications.show({
        color: 'teal',
        title: 'Password changed',
        message: 'You were signed out everywhere. Sign in with the new password.',
      });
      await navigate({ to: '/login' });
    },
  });
  const errors = fieldErrorsOf(change.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    const isMismatch = value('newPassword') !== value('confirm');
    setMismatch(isMismatch);
    if (!isMismatch) change.mutate({ currentPassword: value('currentPassword'), newPassword: value('newPassword') });
  };

  return (
    <SectionCard title="Password" description="Changing it signs you out on every device, this one too.">
      <form onSubmit={submit} noValidate data-testid="change-password-form">
        <Stack gap="sm">
          <PasswordInput
            name="currentPassword"
            label="Current password"
            required
            autoComplete="current-password"
            error={errors.currentPassword}
          />
          <PasswordInput
            name="newPassword"
            label="New password"
            description="At least 12 characters; common passwords are refused."
            required
            autoComplete="new-password"
            error={errors.newPassword ?? errors.password}
          />
          <PasswordInput
            name="confirm"
            label="Confirm new password"
            required
            autoComplete="new-password"
            error={mismatch ? 'The passwords do not match' : undefined}
          />
          <ProblemAlert error={change.error} shownFields={['currentPassword', 'newPassword', 'password']} />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
