import { NumberInput, Select, Switch, TagsInput, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { CiPicker } from './CiPicker';
import type { FieldSpec } from './ci-fields';

/** Props of `CiFieldInput`. */
export interface CiFieldInputProps {
  field: FieldSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: ReactNode;
}

/** The input of one generated CI field, chosen by its kind. */
export function CiFieldInput({ field, value, onChange, error }: CiFieldInputProps) {
  const common = {
    label: field.label,
    description: field.description,
    required: field.required,
    error,
    'data-testid': `ci-field-${field.key}`,
  };
  switch (field.kind) {
    case 'boolean':
      return (
        <Switch
          label={field.label}
          description={field.description}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
          error={error}
          mt="lg"
          data-testid={common['data-testid']}
        />
      );
    case 'integer':
    case 'number':
      return (
        <NumberInput
          {...common}
          value={value === null || value === undefined ? '' : (value as number | string)}
          onChange={onChange}
          min={field.min}
          max={field.max}
          allowDecimal={field.kind === 'number'}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={field.options ?? []}
          value={(value as string | null) ?? null}
          onChange={onChange}
          clearable={!field.required}
        />
      );
    case 'tags':
      return <TagsInput {...common} value={(value as string[]) ?? []} onChange={onChange} placeholder="Enter to add" />;
    case 'ci':
      return (
        <CiPicker
          label={field.label}
          description={field.description}
          required={field.required}
          error={error}
          types={field.ciTypes}
          value={(value as string | null) ?? null}
          onChange={onChange}
          data-testid={common['data-testid']}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          type={field.kind === 'date' ? 'date' : field.kind === 'url' ? 'url' : 'text'}
          value={String(value ?? '')}
          onChange={(event) => onChange(event.currentTarget.value)}
          data-testid={field.key === 'name' ? 'ci-name' : common['data-testid']}
        />
      );
  }
}
