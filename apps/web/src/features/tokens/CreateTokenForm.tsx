import type { Permission } from '@estate/contract';
import { Button, Group, MultiSelect, NumberInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useMe } from '../auth/use-me';
import { scopeOptions } from './scope-labels';

/** Props of `CreateTokenForm`. */
export interface CreateTokenFormProps {
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: (name: string, scopes: Permission[], expiresInDays: number) => void;
}

const DEFAULT_EXPIRY_DAYS = 90;

interface TokenFormValues {
  name: string;
  scopes: Permission[];
  expiresInDays: number | string;
}

/** The fields of a new token: name, scopes (at most the user's own permissions) and lifetime in days. */
export function CreateTokenForm({ pending, error, onCancel, onSubmit }: CreateTokenFormProps) {
  const me = useMe();
  const form = useForm<TokenFormValues>({
    initialValues: { name: '', scopes: ['self'], expiresInDays: DEFAULT_EXPIRY_DAYS },
    validate: { scopes: (scopes) => (scopes.length === 0 ? 'Choose at least one scope' : null) },
  });
  useServerFieldErrors(form, error);

  const submit = form.onSubmit(({ name, scopes, expiresInDays: days }) =>
    onSubmit(name.trim(), scopes, typeof days === 'number' ? days : Number.parseInt(days, 10) || DEFAULT_EXPIRY_DAYS),
  );

  return (
    <form onSubmit={submit} noValidate data-testid="create-token-form">
      <Stack gap="sm">
        <TextInput
          label="Name"
          description="What uses this token, e.g. “backup script on nas01”."
          {...form.getInputProps('name')}
          required
          maxLength={100}
          data-autofocus
          data-testid="token-name"
        />
        <MultiSelect<Permission>
          label="Scopes"
          description="What the token may do. It can never do more than you can."
          data={scopeOptions(me.permissions)}
          {...form.getInputProps('scopes')}
          required
          comboboxProps={{ withinPortal: true }}
          data-testid="token-scopes"
        />
        <NumberInput
          label="Expires after (days)"
          {...form.getInputProps('expiresInDays')}
          min={1}
          max={365}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          data-testid="token-expiry"
        />
        <ProblemAlert error={error} shownFields={['name', 'scopes', 'expiresInDays']} />
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} data-testid="create-token-submit">
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
