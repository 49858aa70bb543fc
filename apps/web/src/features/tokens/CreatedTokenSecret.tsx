import type { CreatedToken } from '@estate/contract';
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { CopyableSecret } from '../../components/CopyableSecret';
import { formatDateTime } from '../../components/format-time';

/** Props of `CreatedTokenSecret`. */
export interface CreatedTokenSecretProps {
  created: CreatedToken;
  onDone: () => void;
}

/** The one showing of a new token's secret, with a copy button, a warning and how to use it. */
export function CreatedTokenSecret({ created, onDone }: CreatedTokenSecretProps) {
  return (
    <Stack gap="md">
      <Alert color="yellow" title="Copy this token now" data-testid="token-secret-warning">
        This is the only time the token is shown. Estate stores only a hash of it; if you lose it, revoke it and create another.
      </Alert>
      <CopyableSecret value={created.token} label="New API token" testId="token-secret" />
      <Text size="sm" c="dimmed">
        “{created.apiToken.name}” expires {formatDateTime(created.apiToken.expiresAt)}. Send it as{' '}
        <Code>Authorization: Bearer &lt;token&gt;</Code>.
      </Text>
      <Group justify="flex-end">
        <Button onClick={onDone} data-testid="token-secret-done">
          I have copied it
        </Button>
      </Group>
    </Stack>
  );
}
