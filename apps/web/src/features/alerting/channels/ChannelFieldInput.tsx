import type { ChannelFieldInfo } from '@estate/contract';
import { Badge, NumberInput, PasswordInput, Select, Switch, Textarea, TextInput } from '@mantine/core';

/** Props of `ChannelFieldInput`. */
export interface ChannelFieldInputProps {
  field: ChannelFieldInfo;
  value: string | boolean;
  onChange: (value: string | boolean) => void;
  /** A secret stored for this field: the empty input keeps it. */
  stored: boolean;
  error?: string | undefined;
}

/**
 * One settings field of a channel type, as its kind asks: text, a password input for secrets (saying when one is
 * stored), a list or header map one entry per line, a choice, a number, a switch.
 */
export function ChannelFieldInput({ field, value, onChange, stored, error }: ChannelFieldInputProps) {
  const testId = `channel-field-${field.name}`;
  const common = {
    label: field.label,
    description: field.help,
    required: field.required && !stored,
    error,
    'data-testid': testId,
  };
  const text = typeof value === 'string' ? value : '';
  if (field.kind === 'boolean')
    return (
      <Switch
        label={field.label}
        description={field.help}
        checked={value === true}
        onChange={(e) => onChange(e.currentTarget.checked)}
        data-testid={testId}
      />
    );
  if (field.kind === 'enum')
    return (
      <Select
        {...common}
        data={field.options ?? []}
        value={text || null}
        onChange={(v) => onChange(v ?? '')}
        allowDeselect={!field.required}
      />
    );
  if (field.kind === 'integer')
    return (
      <NumberInput
        {...common}
        min={field.min}
        max={field.max}
        value={text === '' ? '' : Number(text)}
        onChange={(v) => onChange(v === '' ? '' : String(v))}
      />
    );
  const storedBadge = stored ? (
    <Badge size="xs" variant="light" color="teal" ml={6} data-testid={`${testId}-stored`}>
      stored
    </Badge>
  ) : null;
  const label = (
    <>
      {field.label}
      {storedBadge}
    </>
  );
  const placeholder = stored ? 'stored — leave empty to keep it' : undefined;
  if (field.kind === 'template' || field.kind === 'list' || field.kind === 'headers')
    return (
      <Textarea
        {...common}
        label={label}
        placeholder={
          placeholder ?? (field.kind === 'headers' ? 'Name: value, one per line' : field.kind === 'list' ? 'One per line' : undefined)
        }
        autosize
        minRows={field.kind === 'template' ? 4 : 2}
        maxRows={16}
        value={text}
        onChange={(e) => onChange(e.currentTarget.value)}
        styles={field.kind === 'template' ? { input: { fontFamily: 'var(--mantine-font-family-monospace)' } } : undefined}
      />
    );
  if (field.secret)
    return (
      <PasswordInput
        {...common}
        label={label}
        placeholder={placeholder}
        autoComplete="new-password"
        value={text}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  return <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
}
