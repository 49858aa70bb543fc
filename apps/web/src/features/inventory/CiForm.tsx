import type { Ci, CiTypeInfo } from '@estate/contract';
import { Button, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CiFieldInput } from './CiFieldInput';
import { attributeFields, buildBody, COMMON_FIELDS, customFieldSpecs, errorsByField, type FieldSpec, initialValues } from './ci-fields';

/** Props of `CiForm`. */
export interface CiFormProps {
  type: CiTypeInfo | undefined;
  /** The CI being edited; absent when creating. */
  ci?: Ci;
  /** Called with the request body: everything filled in (create) or only what changed (edit). */
  onSubmit: (body: Record<string, unknown>) => void;
  onCancel: () => void;
  pending: boolean;
  /** The failed request, whose field errors are shown next to their inputs. */
  error: unknown;
  submitLabel: string;
  /** Shown above the buttons instead of the problem alert, e.g. an edit conflict. */
  notice?: ReactNode;
}

/** The CI form, generated from the common fields, the type's attribute JSON Schema and its custom fields. */
export function CiForm({ type, ci, onSubmit, onCancel, pending, error, submitLabel, notice }: CiFormProps) {
  const attributes = attributeFields(type);
  const custom = customFieldSpecs(type);
  const all = [...COMMON_FIELDS, ...attributes, ...custom];
  const [values, setValues] = useState(() => initialValues(all, ci));
  const raw = fieldErrorsOf(error);
  const errors = errorsByField(all, raw);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(buildBody(all, values, ci));
  };

  const section = (title: string, fields: FieldSpec[]) =>
    fields.length > 0 && (
      <Stack gap="xs">
        <Title order={3} fz="h5">
          {title}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
          {fields.map((field) => (
            <CiFieldInput
              key={field.key}
              field={field}
              value={values[field.key]}
              onChange={(value) => setValues((current) => ({ ...current, [field.key]: value }))}
              error={errors[field.key]}
            />
          ))}
        </SimpleGrid>
      </Stack>
    );

  return (
    <form onSubmit={submit} noValidate data-testid="ci-form">
      <Stack gap="lg">
        {section('General', COMMON_FIELDS)}
        {section(`${type?.label ?? 'Type'} attributes`, attributes)}
        {section('Custom fields', custom)}
        {notice ?? (
          <ProblemAlert
            error={error}
            shownFields={Object.keys(raw).filter((path) => all.some((f) => path === f.key || path.startsWith(`${f.key}.`)))}
          />
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} data-testid="ci-submit">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
