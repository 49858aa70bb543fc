import { Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { RecoveryCodesPanel } from './RecoveryCodesPanel';
import { TotpConfirmForm } from './TotpConfirmForm';

/** Props of `TotpEnrolmentFlow`. */
export interface TotpEnrolmentFlowProps {
  /** Called once the user has seen the recovery codes and moves on; MFA is already on by then. */
  onComplete: () => Promise<unknown>;
  /** Called as soon as the server has accepted the first code, before the recovery codes are dismissed. */
  onConfirmed?: () => void;
}

/**
 * Enrols an authenticator app in three steps: ask the server for a secret (shown as QR code and text) with the
 * current password, confirm with a first code, then show the recovery codes once. MFA is active from the
 * confirmation on.
 */
export function TotpEnrolmentFlow({ onComplete, onConfirmed }: TotpEnrolmentFlowProps) {
  const api = useApi();
  const form = useForm({ initialValues: { password: '' }, validate: { password: isNotEmpty('Enter your password') } });
  const start = useMutation({ mutationFn: (password: string) => api.startTotpEnrolment(password) });
  useServerFieldErrors(form, start.error);
  const confirm = useMutation({ mutationFn: (code: string) => api.confirmTotpEnrolment(code), onSuccess: () => onConfirmed?.() });

  if (confirm.data) return <RecoveryCodesPanel codes={confirm.data.recoveryCodes} onDone={onComplete} />;
  if (start.data) {
    return (
      <TotpConfirmForm
        enrolment={start.data}
        pending={confirm.isPending}
        error={confirm.error}
        onConfirm={(code) => confirm.mutate(code)}
        onCancel={() => {
          start.reset();
          confirm.reset();
          form.reset();
        }}
      />
    );
  }
  return (
    <form onSubmit={form.onSubmit(({ password }) => start.mutate(password))} noValidate>
      <Stack gap="sm">
        <Text size="sm">You need an authenticator app such as Aegis, Google Authenticator, 1Password or Bitwarden.</Text>
        <PasswordInput
          label="Your password"
          description="Confirms it is you before a second factor is added to the account."
          required
          autoComplete="current-password"
          {...form.getInputProps('password')}
          data-testid="mfa-start-password"
        />
        <ProblemAlert error={start.error} shownFields={['password']} />
        <Group justify="flex-end">
          <Button type="submit" loading={start.isPending} data-testid="mfa-start">
            Set up authenticator app
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
