import { Alert, Button, Code, CopyButton, Group, SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';

/** Props of `RecoveryCodesPanel`. */
export interface RecoveryCodesPanelProps {
  codes: readonly string[];
  /** Called when the user confirms they saved the codes. */
  onDone: () => Promise<unknown>;
}

/** The one showing of the recovery codes, with a copy-all button. */
export function RecoveryCodesPanel({ codes, onDone }: RecoveryCodesPanelProps) {
  const [leaving, setLeaving] = useState(false);
  return (
    <Stack gap="sm" data-testid="recovery-codes">
      <Alert color="yellow" title="Two-step verification is on. Save your recovery codes now">
        Each code signs you in once if you lose your phone. They are shown only this once; keep them somewhere safe, such as your password
        manager.
      </Alert>
      <SimpleGrid cols={{ base: 2, xs: 3 }} spacing="xs">
        {codes.map((code) => (
          <Code key={code} ta="center" fz="sm" py={4}>
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <Group justify="flex-end" gap="xs">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'filled' : 'default'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
              data-testid="copy-recovery-codes"
            >
              {copied ? 'Copied' : 'Copy all'}
            </Button>
          )}
        </CopyButton>
        <Button
          loading={leaving}
          onClick={() => {
            setLeaving(true);
            void onDone().finally(() => setLeaving(false));
          }}
          data-testid="recovery-codes-done"
        >
          I have saved them
        </Button>
      </Group>
    </Stack>
  );
}
