import { Button, Group, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
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
 * Enrols an authenticator app in three steps: ask the server for a secret (shown as QR code and text), confirm
 * with a first code, then show the recovery codes once. MFA is active from the confirmation on.
 */
export function TotpEnrolmentFlow({ onComplete, onConfirmed }: TotpEnrolmentFlowProps) {
  const api = useApi();
  const start = useMutation({ mutationFn: () => api.startTotpEnrolment() });
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
        }}
      />
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm">You need an authenticator app such as Aegis, Google Authenticator, 1Password or Bitwarden.</Text>
      <ProblemAlert error={start.error} />
      <Group justify="flex-end">
        <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="mfa-start">
          Set up authenticator app
        </Button>
      </Group>
    </Stack>
  );
}
