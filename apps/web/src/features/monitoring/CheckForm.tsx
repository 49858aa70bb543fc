import {
  type Check,
  type CheckTypeInfo,
  type CreateCheckRequest,
  isAgentCheckType,
  type TestCheckRequest,
  type UpdateCheckRequest,
} from '@estate/contract';
import { Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { focusFirstInvalid } from '../../components/focus-first-invalid';
import { ProblemAlert } from '../../components/ProblemAlert';
import { AgentSelect } from './AgentSelect';
import { CheckResultView } from './CheckResultView';
import { CheckTypeFields } from './CheckTypeFields';
import { CiBindings } from './CiBindings';
import { ConditionListEditor } from './ConditionListEditor';
import {
  type CheckFormValues,
  checkFormValues,
  createRequest,
  editorOf,
  exampleJson,
  type FormErrors,
  formErrorsOf,
  formFieldOf,
  secretsInUse,
  testRequest,
  typedFieldValues,
  updateRequest,
} from './check-form';
import { checkTypeLabel } from './check-format';
import { blankTypedFields, isTypedCheckType, TYPED_CHECK_TYPES } from './check-type-config';

/** Props of `CheckForm`. */
export interface CheckFormProps {
  types: readonly CheckTypeInfo[];
  /** The check being edited; absent when creating. */
  check?: Check;
  /** CIs a new check starts bound to (the CI page's "New check for this CI"). */
  ciIds?: string[];
  /** Whether the user may pick CIs (needs inventory:read). */
  canBindCis: boolean;
  /** Saves: creates with the request, or updates with the change. */
  onSave: (request: { create: CreateCheckRequest } | { update: UpdateCheckRequest }) => void;
  onCancel: () => void;
  pending: boolean;
  /** The failed save, whose field errors are shown next to their inputs. */
  error: unknown;
}

/** Form fields a server error can land on; anything else is listed in the problem alert. */
const SHOWN = new RegExp(
  `^(name|type|enabled|intervalSeconds|timeoutSeconds|retries|ciIds|agentId|config|configJson|(${['http', 'tcp', 'secrets', ...TYPED_CHECK_TYPES].join('|')})\\..+|(conditions|warningConditions)(\\.\\d+)?)$`,
);

/**
 * The check form: name, type, schedule, the type's settings, conditions, secrets and bound CIs, with "Test now",
 * which runs the check as filled in (without saving) and shows the result beneath.
 */
export function CheckForm({ types, check, ciIds, canBindCis, onSave, onCancel, pending, error }: CheckFormProps) {
  const api = useApi();
  const form = useForm<CheckFormValues>({
    initialValues: checkFormValues({ check, type: check ? undefined : types[0], ciIds }),
    validate: {
      name: isNotEmpty('Enter a name'),
      type: isNotEmpty('Choose a type'),
      http: { url: (url, values) => (values.type === 'http' && url.trim() === '' ? 'Enter the URL to request' : null) },
      tcp: {
        host: (host, values) => (values.type === 'tcp' && host.trim() === '' ? 'Enter a host' : null),
        port: (port, values) => (values.type === 'tcp' && port === '' ? 'Enter a port' : null),
      },
    },
  });
  const values = form.getValues();
  const type = types.find((t) => t.type === values.type);
  const test = useMutation({ mutationFn: (request: TestCheckRequest) => api.testCheck(request) });
  const failure = error ?? test.error;

  const { setErrors } = form;
  const editor = editorOf(values);
  useEffect(() => {
    setErrors(formErrorsOf(fieldErrorsOf(failure), editor));
  }, [setErrors, failure, editor]);

  const showLocal = (errors: FormErrors) => {
    form.setErrors(errors);
    focusFirstInvalid(document.querySelector('[data-testid="check-form"]'));
  };

  const submit = form.onSubmit(
    (submitted) => {
      const built = check ? updateRequest(submitted, check, type) : createRequest(submitted, type);
      if ('errors' in built) return showLocal(built.errors);
      onSave(check ? { update: built.request as UpdateCheckRequest } : { create: built.request as CreateCheckRequest });
    },
    (_errors, _values, event) => focusFirstInvalid(event?.currentTarget),
  );

  const runTest = () => {
    const built = testRequest(form.getValues(), type, check?.id, check?.secretNames);
    if ('errors' in built) return showLocal(built.errors);
    form.clearErrors();
    test.mutate(built.request);
  };

  const changeType = (next: string | null) => {
    if (!next || next === values.type) return;
    const nextType = types.find((t) => t.type === next);
    const previousDefaults = type?.defaultConditions ?? [];
    const untouched = values.conditions.length === 0 || values.conditions.join('\n') === previousDefaults.join('\n');
    const configUntouched = values.configJson.trim() === '{}' || values.configJson === exampleJson(type);
    form.setFieldValue('type', next);
    // Conditions and settings still at the previous type's defaults follow the type; what the user wrote stays.
    if (untouched) form.setFieldValue('conditions', [...(nextType?.defaultConditions ?? [])]);
    if (configUntouched) form.setFieldValue('configJson', exampleJson(nextType));
    // A typed type's fields start from its example unless the user already filled them in.
    if (isTypedCheckType(next) && JSON.stringify(values[next]) === JSON.stringify(blankTypedFields()[next]))
      form.setFieldValue(next, typedFieldValues(next, nextType?.example ?? {})[next]);
    test.reset();
  };

  const serverErrors = fieldErrorsOf(failure);
  const shownFields = Object.keys(serverErrors).filter((path) => SHOWN.test(formFieldOf(path, editor)));
  const num = (path: 'intervalSeconds' | 'timeoutSeconds' | 'retries', fallback: number, parse: (v: string) => number) => ({
    ...form.getInputProps(path),
    onChange: (value: number | string) => form.setFieldValue(path, typeof value === 'number' ? value : parse(value) || fallback),
  });

  return (
    <form onSubmit={submit} noValidate data-testid="check-form">
      <Stack gap="lg">
        <Section title="General">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
            <TextInput label="Name" required maxLength={200} {...form.getInputProps('name')} data-autofocus data-testid="check-name" />
            <Select
              label="Type"
              data={types.map((t) => ({ value: t.type, label: checkTypeLabel(t.type) }))}
              value={values.type || null}
              onChange={changeType}
              allowDeselect={false}
              disabled={check !== undefined}
              description={check ? 'A saved check keeps its type.' : undefined}
              error={form.errors.type}
              data-testid="check-type"
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" verticalSpacing="xs">
            <NumberInput
              label="Every (seconds)"
              min={10}
              max={86_400}
              allowDecimal={false}
              {...num('intervalSeconds', 60, (v) => Number.parseInt(v, 10))}
              data-testid="check-interval"
            />
            <NumberInput
              label="Timeout (seconds)"
              min={0.1}
              max={300}
              decimalScale={1}
              {...num('timeoutSeconds', 10, Number.parseFloat)}
              data-testid="check-timeout"
            />
            <NumberInput
              label="Retries"
              description="Failures before down"
              min={0}
              max={10}
              allowDecimal={false}
              {...num('retries', 0, (v) => Number.parseInt(v, 10))}
              data-testid="check-retries"
            />
            <Switch
              label="Enabled"
              mt={{ base: 0, sm: 'xl' }}
              {...form.getInputProps('enabled', { type: 'checkbox' })}
              data-testid="check-enabled"
            />
          </SimpleGrid>
        </Section>
        <Section title={`${values.type ? checkTypeLabel(values.type) : 'Type'} settings`}>
          <CheckTypeFields form={form} secretNames={secretsInUse(values, type)} storedSecrets={check?.secretNames ?? []} />
        </Section>
        {values.type !== '' && values.type !== 'push' && (
          <Section title="Where it runs">
            <AgentSelect
              value={values.agentId}
              onChange={(id) => form.setFieldValue('agentId', id)}
              error={form.errors.agentId as string | undefined}
              collector={!isAgentCheckType(values.type)}
            />
          </Section>
        )}
        {!isAgentCheckType(values.type) && (
          <Section title="Conditions">
            <ConditionListEditor
              label="Conditions"
              description="Every run must pass all of them; saved empty, the type's defaults apply."
              value={values.conditions}
              onChange={(list) => form.setFieldValue('conditions', list)}
              placeholders={type?.placeholders ?? []}
              errorAt={(i) => form.errors[`conditions.${i}`] as string | undefined}
              error={form.errors.conditions as string | undefined}
              testId="check-conditions"
            />
            <ConditionListEditor
              label="Warning conditions"
              description="Failing one of these makes a passing run degraded rather than down."
              value={values.warningConditions}
              onChange={(list) => form.setFieldValue('warningConditions', list)}
              placeholders={[]}
              errorAt={(i) => form.errors[`warningConditions.${i}`] as string | undefined}
              error={form.errors.warningConditions as string | undefined}
              testId="check-warning-conditions"
            />
          </Section>
        )}
        {canBindCis && (
          <Section title="Watches">
            <CiBindings
              value={values.ciIds}
              onChange={(list) => form.setFieldValue('ciIds', list)}
              error={form.errors.ciIds as string | undefined}
            />
          </Section>
        )}
        <ProblemAlert error={failure} shownFields={shownFields} />
        {test.data && (
          <Paper withBorder p="sm" radius="md" data-testid="test-result-card">
            <Title order={3} fz="h5" mb="xs">
              Test result
            </Title>
            {values.agentId !== null && !isAgentCheckType(values.type) && (
              <Text size="xs" c="dimmed" mb="xs" data-testid="test-from-server">
                Tested from the Estate server; once saved, the chosen collector runs it from its own site.
              </Text>
            )}
            <CheckResultView result={test.data} data-testid="test-result" />
          </Paper>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="light" onClick={runTest} loading={test.isPending} data-testid="check-test">
            Test now
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} data-testid="check-submit">
            {check ? 'Save' : 'Create check'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3} fz="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}
