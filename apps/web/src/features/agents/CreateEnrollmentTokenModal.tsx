import type { CreatedEnrollmentToken, CreateEnrollmentTokenRequest } from '@estate/contract';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { CopyableSecret } from '../../components/CopyableSecret';
import { formatDateTime } from '../../components/format-time';
import { ENROLLMENT_TOKENS_QUERY_KEY } from './agents-queries';
import { CreateEnrollmentTokenForm } from './CreateEnrollmentTokenForm';

/** Props of `CreateEnrollmentTokenModal`. */
export interface CreateEnrollmentTokenModalProps {
  opened: boolean;
  onClose: () => void;
}

/** The command that enrolls a host with `token` against this server, pinning the server key it must present. */
export function enrollCommand(created: CreatedEnrollmentToken, origin = window.location.origin): string {
  return `estate-agent enroll --server ${origin} --token ${created.token} --server-fingerprint ${created.serverKeyFingerprint}`;
}

/** Dialog that creates an enrollment token, then shows it once inside the command to run on the host. */
export function CreateEnrollmentTokenModal({ opened, onClose }: CreateEnrollmentTokenModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (request: CreateEnrollmentTokenRequest) => api.createEnrollmentToken(request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ENROLLMENT_TOKENS_QUERY_KEY }),
  });
  const created: CreatedEnrollmentToken | undefined = create.data;

  const close = () => {
    // Dropping the mutation result drops the only copy of the token the UI holds.
    create.reset();
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Enrollment token created' : 'Create enrollment token'}
      centered
      size="lg"
      closeOnClickOutside={!created}
      closeOnEscape={!created}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="yellow" title="Copy this command now" data-testid="enrollment-token-warning">
            This is the only time the token is shown. Estate stores only a hash of it.
          </Alert>
          <Text size="sm">Run this on the host, as root:</Text>
          <CopyableSecret value={enrollCommand(created)} label="Enrollment command" testId="enrollment-command" />
          <Text size="sm" c="dimmed">
            “{created.enrollmentToken.name}” enrolls one agent until {formatDateTime(created.enrollmentToken.expiresAt)}
            {created.enrollmentToken.requireApproval ? '; the agent then waits for your approval on this page.' : '.'}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close} data-testid="enrollment-token-done">
              I have copied it
            </Button>
          </Group>
        </Stack>
      ) : (
        <CreateEnrollmentTokenForm pending={create.isPending} error={create.error} onCancel={close} onSubmit={(r) => create.mutate(r)} />
      )}
    </Modal>
  );
}
