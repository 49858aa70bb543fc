import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Props of `DisableMfaForm`. */
export interface DisableMfaFormProps {
  /** Called after the server turned MFA off. */
  onDisabled: () => Promise<unknown>;
}

/** Turns two-step verification off after re-entering the password. */
export function DisableMfaForm({ onDisabled }: DisableMfaFormProps) {
  const api = useApi();
  const form = useForm({ initialValues: { password: '' }, validate: { password: isNotEmpty('Enter your password') } });
  const disable = useMutation({
    mutationFn: (password: string) => api.disableTotp(password),
    onSuccess: async () => {
      notifications.show({ color: 'teal', title: 'Two-step verification is off', message: 'Your other sessions were signed out.' });
      await onDisabled();
    },
  });
  useServerFieldErrors(form, disable.error);

  return (
    <form onSubmit={form.onSubmit(({ password }) => disable.mutate(password))} noValidate>
      <Stack gap="sm">
        <PasswordInput
          label="Password"
          description="Enter your password to turn two-step verification off."
          required
          autoComplete="current-password"
          {...form.getInputProps('password')}
          data-testid="mfa-disable-password"
        />
        <ProblemAlert error={disable.error} shownFields={['password']} />
        <Group justify="flex-end">
          <Button type="submit" color="red" variant="light" loading={disable.isPending} data-testid="mfa-disable">
            Turn off
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
