import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { type MatcherRow, OPERATORS } from './matcher-text';

/** Props of `MatchersEditor`. */
export interface MatchersEditorProps {
  value: MatcherRow[];
  onChange: (rows: MatcherRow[]) => void;
  /** The server's message about the matchers (it names the one it refused). */
  error?: string | undefined;
}

/** Rows of label name, operator and value; regex operators are fully anchored, as in Alertmanager. */
export function MatchersEditor({ value, onChange, error }: MatchersEditorProps) {
  const set = (index: number, patch: Partial<MatcherRow>) => onChange(value.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6} data-testid="matchers-editor">
      <Text size="sm" fw={500}>
        Matchers
      </Text>
      {value.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position while edited.
        <Group key={index} gap={6} wrap="nowrap" align="flex-start">
          <TextInput
            placeholder="label"
            aria-label={`Label name ${index + 1}`}
            value={row.name}
            onChange={(event) => set(index, { name: event.currentTarget.value })}
            style={{ flex: 1 }}
            data-testid="matcher-name"
          />
          <Select
            aria-label={`Operator ${index + 1}`}
            data={[...OPERATORS]}
            value={row.type}
            onChange={(type) => type && set(index, { type: type as MatcherRow['type'] })}
            allowDeselect={false}
            w={80}
            data-testid="matcher-type"
          />
          <TextInput
            placeholder="value"
            aria-label={`Value ${index + 1}`}
            value={row.value}
            onChange={(event) => set(index, { value: event.currentTarget.value })}
            style={{ flex: 2 }}
            data-testid="matcher-value"
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={6}
            aria-label={`Remove matcher ${index + 1}`}
            onClick={() => onChange(value.filter((_, i) => i !== index))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="light"
          size="xs"
          onClick={() => onChange([...value, { name: '', type: '=', value: '' }])}
          data-testid="add-matcher"
        >
          Add matcher
        </Button>
      </Group>
      {error && (
        <Text size="sm" c="red" data-testid="matchers-error">
          {error}
        </Text>
      )}
    </Stack>
  );
}
