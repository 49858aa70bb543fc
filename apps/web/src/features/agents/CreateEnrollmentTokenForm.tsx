import type { CreateEnrollmentTokenRequest } from '@estate/contract';
import { Button, Checkbox, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Props of `CreateEnrollmentTokenForm`. */
export interface CreateEnrollmentTokenFormProps {
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: (request: CreateEnrollmentTokenRequest) => void;
}

const DEFAULT_TTL_MINUTES = 60;
const MAX_TTL_MINUTES = 7 * 24 * 60;

/** The fields of a new enrollment token: a name, its lifetime in minutes and whether the agent waits for approval. */
export function CreateEnrollmentTokenForm({ pending, error, onCancel, onSubmit }: CreateEnrollmentTokenFormProps) {
  const form = useForm<{ name: string; ttlMinutes: number | string; requireApproval: boolean }>({
    initialValues: { name: '', ttlMinutes: DEFAULT_TTL_MINUTES, requireApproval: false },
  });
  useServerFieldErrors(form, error);

  const submit = form.onSubmit(({ name, ttlMinutes: ttl, requireApproval }) => {
    const ttlMinutes = typeof ttl === 'number' ? ttl : Number.parseInt(ttl, 10) || DEFAULT_TTL_MINUTES;
    onSubmit({ name: name.trim(), ttlMinutes, requireApproval });
  });

  return (
    <form onSubmit={submit} noValidate data-testid="create-enrollment-token-form">
      <Stack gap="sm">
        <TextInput
          label="Name"
          description="Which host or batch of hosts it is for, e.g. “db servers in rack 4”."
          {...form.getInputProps('name')}
          required
          maxLength={100}
          data-autofocus
          data-testid="enrollment-token-name"
        />
        <NumberInput
          label="Valid for (minutes)"
          description="The token enrolls one agent, once, within this time (at most a week)."
          {...form.getInputProps('ttlMinutes')}
          min={1}
          max={MAX_TTL_MINUTES}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          data-testid="enrollment-token-ttl"
        />
        <Checkbox
          label="Require approval"
          description="The agent waits as pending until an administrator approves it here."
          {...form.getInputProps('requireApproval', { type: 'checkbox' })}
          data-testid="enrollment-token-approval"
        />
        <ProblemAlert error={error} shownFields={['name', 'ttlMinutes']} />
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} data-testid="create-enrollment-token-submit">
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
