import type { CreatedEnrollmentToken, CreateEnrollmentTokenRequest } from '@estate/contract';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useApi } from '../../app/use-api';
import { CopyableSecret } from '../../components/CopyableSecret';
import { formatDateTime } from '../../components/format-time';
import { SecretOnceModal } from '../../components/SecretOnceModal';
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
  return (
    <SecretOnceModal<CreateEnrollmentTokenRequest, CreatedEnrollmentToken>
      opened={opened}
      onClose={onClose}
      titles={{ form: 'Create enrollment token', created: 'Enrollment token created' }}
      create={(request) => api.createEnrollmentToken(request)}
      invalidates={ENROLLMENT_TOKENS_QUERY_KEY}
      form={({ submit, pending, error, cancel }) => (
        <CreateEnrollmentTokenForm pending={pending} error={error} onCancel={cancel} onSubmit={submit} />
      )}
      created={(created, done) => (
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
            <Button onClick={done} data-testid="enrollment-token-done">
              I have copied it
            </Button>
          </Group>
        </Stack>
      )}
    />
  );
}
