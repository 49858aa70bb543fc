import type { CreatedEnrollmentToken, CreateEnrollmentTokenRequest } from '@estate/contract';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { SecretOnceModal } from '../../components/SecretOnceModal';
import { ENROLLMENT_TOKENS_QUERY_KEY } from './agents-queries';
import { CreateEnrollmentTokenForm } from './CreateEnrollmentTokenForm';
import { InstallAgentInstructions } from './InstallAgentInstructions';

/** Props of `CreateEnrollmentTokenModal`. */
export interface CreateEnrollmentTokenModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Dialog that creates an enrollment token, then shows it once inside the install-and-enroll command for the host. */
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
          <InstallAgentInstructions created={created} />
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
