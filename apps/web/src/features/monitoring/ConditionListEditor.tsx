import { ActionIcon, Button, Code, Group, Stack, Text, TextInput } from '@mantine/core';

/** Inputs that hold code (conditions, headers, JSON) in the monospace font; their labels stay in the body font. */
export const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/** Props of `ConditionListEditor`. */
export interface ConditionListEditorProps {
  label: string;
  description: string;
  value: string[];
  onChange: (value: string[]) => void;
  /** The placeholders the check type offers (`[STATUS]`, `[BODY]`), shown as help. */
  placeholders: readonly string[];
  /** Per-condition errors by index, and one about the list as a whole. */
  errorAt: (index: number) => string | undefined;
  error?: string | undefined;
  /** Test id of the editor; each input gets it with `-input`. */
  testId: string;
}

/** A list of condition texts, one input each: add, edit and remove them; the type's placeholders are listed as help. */
export function ConditionListEditor({
  label,
  description,
  value,
  onChange,
  placeholders,
  errorAt,
  error,
  testId,
}: ConditionListEditorProps) {
  const set = (index: number, text: string) => onChange(value.map((c, i) => (i === index ? text : c)));
  return (
    <Stack gap={6} data-testid={testId}>
      <div>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="xs" c="dimmed">
          {description}
        </Text>
        {placeholders.length > 0 && (
          <Group gap={4} mt={4} data-testid={`${testId}-placeholders`}>
            <Text size="xs" c="dimmed">
              Placeholders:
            </Text>
            {placeholders.map((p) => (
              <Code key={p} fz="xs">
                {p}
              </Code>
            ))}
          </Group>
        )}
      </div>
      {value.map((condition, index) => (
        // Conditions have no identity but their place in the list; editing one keeps its index.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <Group key={index} gap={6} wrap="nowrap" align="flex-start">
          <TextInput
            value={condition}
            onChange={(event) => set(index, event.currentTarget.value)}
            placeholder="[STATUS] == 200"
            aria-label={`${label} ${index + 1}`}
            error={errorAt(index)}
            styles={MONO}
            style={{ flex: 1, minWidth: 0 }}
            data-testid={`${testId}-input`}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(value.filter((_, i) => i !== index))}
            data-testid={`${testId}-remove`}
          >
            ✕
          </ActionIcon>
        </Group>
      ))}
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
      <Group>
        <Button size="xs" variant="default" onClick={() => onChange([...value, ''])} data-testid={`${testId}-add`}>
          Add
        </Button>
      </Group>
    </Stack>
  );
}
