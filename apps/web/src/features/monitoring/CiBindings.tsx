import { CloseButton, Group, Paper, Stack, Text } from '@mantine/core';
import { CiLink } from '../inventory/CiLink';
import { CiPicker } from '../inventory/CiPicker';

/** Props of `CiBindings`. */
export interface CiBindingsProps {
  value: string[];
  onChange: (ciIds: string[]) => void;
  error?: string | undefined;
}

/** The configuration items a check watches: each with a link and a remove button, and a picker to add one. */
export function CiBindings({ value, onChange, error }: CiBindingsProps) {
  return (
    <Stack gap={6} data-testid="check-cis">
      {value.length > 0 && (
        <Group gap={6}>
          {value.map((id) => (
            <Paper key={id} withBorder px={8} py={2} radius="xl" data-testid="check-ci">
              <Group gap={4} wrap="nowrap">
                <CiLink id={id} />
                <CloseButton size="sm" aria-label="Unbind this CI" onClick={() => onChange(value.filter((c) => c !== id))} />
              </Group>
            </Paper>
          ))}
        </Group>
      )}
      <CiPicker
        label="Configuration items"
        description="What this check watches; it shows on their pages."
        value={null}
        onChange={(id) => {
          if (id && !value.includes(id)) onChange([...value, id]);
        }}
        error={error}
        data-testid="check-ci-picker"
      />
      {value.length === 0 && (
        <Text size="xs" c="dimmed">
          None bound.
        </Text>
      )}
    </Stack>
  );
}
