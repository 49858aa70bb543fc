import type { Ci, CiTypeInfo } from '@estate/contract';
import { Button, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { type ReactNode, useEffect, useMemo } from 'react';
import { fieldErrorsOf } from '../../components/field-errors';
import { focusFirstInvalid } from '../../components/focus-first-invalid';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CiFieldInput } from './CiFieldInput';
import {
  attributeFields,
  buildBody,
  COMMON_FIELDS,
  customFieldSpecs,
  errorsByField,
  type FieldSpec,
  type FieldValues,
  flattenValues,
  initialValues,
  missingRequired,
  nestValues,
  valueAt,
} from './ci-fields';

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
  const attributes = useMemo(() => attributeFields(type), [type]);
  const custom = useMemo(() => customFieldSpecs(type), [type]);
  const all = useMemo(() => [...COMMON_FIELDS, ...attributes, ...custom], [attributes, custom]);
  // The form keeps values nested by path (`attributes.cpuCores` inside `attributes`); the body is built from them flat.
  const form = useForm<FieldValues>({
    initialValues: nestValues(initialValues(all, ci)),
    validate: (values) => missingRequired(all, flattenValues(all, values)),
  });
  const values = form.getValues();
  const raw = fieldErrorsOf(error);
  const { setErrors } = form;
  useEffect(() => {
    setErrors(errorsByField(all, fieldErrorsOf(error)));
  }, [setErrors, all, error]);

  const submit = form.onSubmit(
    (submitted) => onSubmit(buildBody(all, flattenValues(all, submitted), ci)),
    (_errors, _values, event) => focusFirstInvalid(event?.currentTarget),
  );

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
              value={valueAt(values, field.key)}
              onChange={(value) => form.setFieldValue(field.key, value)}
              error={form.errors[field.key]}
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
