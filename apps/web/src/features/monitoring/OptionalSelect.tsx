import { Select, type SelectProps } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { CheckFormValues } from './check-form';

/** Props of `OptionalSelect`: a Select's, bound to the form field at `path`. */
export interface OptionalSelectProps extends Omit<SelectProps, 'value' | 'onChange' | 'form'> {
  form: UseFormReturnType<CheckFormValues>;
  /** The form field, holding `''` while nothing is chosen. */
  path: string;
  'data-testid'?: string;
}

/**
 * A choice that may be left blank, so the server's default applies; the placeholder says which default that is.
 * The form holds blank as `''`, which Select shows as nothing chosen.
 */
export function OptionalSelect({ form, path, ...props }: OptionalSelectProps) {
  const { value, onChange: _onChange, ...input } = form.getInputProps(path);
  return (
    <Select
      clearable
      {...props}
      {...input}
      value={typeof value === 'string' && value !== '' ? value : null}
      onChange={(next) => form.setFieldValue(path, next ?? '')}
    />
  );
}
