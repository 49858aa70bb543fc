import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Props of `DisableMfaForm`. */
export interface DisableMfaFormProps {
  /** Called after the server turned MFA off. */
  onDisabled: () => Promise<unknown>;
}

/** Turns two-step verification off after re-entering the password. */
export function DisableMfaForm({ onDisabled }: DisableMfaFormProps) {
  const api = useApi();
  const disable = useMutation({
    mutationFn: (password: string) => api.disableTotp(password),
    onSuccess: async () => {
      notifications.show({ color: 'teal', title: 'Two-step verification is off', message: 'Your other sessions were signed out.' });
      await onDisabled();
    },
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    disable.mutate(String(new FormData(event.currentTarget).get('password') ?? ''));
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <PasswordInput
          name="password"
          label="Password"
          description="Enter your password to turn two-step verification off."
          required
          autoComplete="current-password"
          data-testid="mfa-disable-password"
        />
        <ProblemAlert error={disable.error} />
        <Group justify="flex-end">
          <Button type="submit" color="red" variant="light" loading={disable.isPending} data-testid="mfa-disable">
            Turn off
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
