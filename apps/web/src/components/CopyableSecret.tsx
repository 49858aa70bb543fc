import { Button, Code, CopyButton, Group } from '@mantine/core';

/** Props of `CopyableSecret`. */
export interface CopyableSecretProps {
  /** The text to show and copy. */
  value: string;
  /** Accessible name of the shown text, e.g. "API token". */
  label: string;
  /** Stable test id of the shown text. */
  testId?: string;
}

/** A secret or code shown in monospace, selectable, with a copy button beside it. */
export function CopyableSecret({ value, label, testId }: CopyableSecretProps) {
  return (
    <Group gap="xs" wrap="nowrap" align="stretch">
      <Code
        block
        aria-label={label}
        data-testid={testId}
        style={{ flex: 1, minWidth: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap', userSelect: 'all' }}
      >
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button variant={copied ? 'filled' : 'default'} color={copied ? 'teal' : undefined} onClick={copy} miw={84}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
