import {
  Anchor,
  Code,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { TypedCheckFields } from './CheckTypeFieldsMore';
import { MONO } from './ConditionListEditor';
import { type CheckFormValues, editorOf, toggleJson } from './check-form';
import { isTypedCheckType } from './check-type-config';

/** Props of `CheckTypeFields`. */
export interface CheckTypeFieldsProps {
  form: UseFormReturnType<CheckFormValues>;
  /** The secrets the chosen settings use (`password`, `token`, or a type's own). */
  secretNames: readonly string[];
  /** The names of the secrets stored for the check being edited. */
  storedSecrets: readonly string[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const AUTH_OPTIONS = [
  { value: 'none', label: 'None' },
  { value: 'basic', label: 'Basic (user name and password)' },
  { value: 'bearer', label: 'Bearer token' },
];

/** How the form names each secret a type takes; any other by its own name. */
const SECRET_LABELS: Record<string, { label: string; hint?: string }> = {
  password: { label: 'Password' },
  token: { label: 'Token' },
  community: { label: 'Community' },
  authKey: { label: 'Authentication key', hint: 'At least 8 characters.' },
  privKey: { label: 'Privacy key', hint: 'At least 8 characters.' },
};

const int = (value: number | string, fallback: number) => (typeof value === 'number' ? value : Number.parseInt(value, 10) || fallback);

/**
 * The settings of the chosen check type: its fields (every type but HTTP and TCP may switch to the JSON editor and
 * back), a JSON editor for a type the form has no fields for, then the secret inputs the settings use. Secrets are
 * write-only: an edited check shows which are stored and keeps them when blank.
 */
export function CheckTypeFields({ form, secretNames, storedSecrets }: CheckTypeFieldsProps) {
  const values = form.getValues();
  const editor = editorOf(values);
  const kept = Object.keys(values.keptConfig);
  const toggle = () => {
    const next = toggleJson(form.getValues());
    if ('errors' in next) form.setErrors(next.errors);
    else form.setValues(next);
  };
  return (
    <Stack gap="sm">
      {isTypedCheckType(values.type) && (
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" data-testid="check-kept-config">
            {editor !== 'json' && kept.length > 0 ? `Also kept as saved: ${kept.join(', ')} (edit as JSON to change them).` : ''}
          </Text>
          <Anchor component="button" type="button" size="xs" onClick={toggle} data-testid="check-toggle-json">
            {editor === 'json' ? 'Edit with fields' : 'Edit as JSON'}
          </Anchor>
        </Group>
      )}
      {isTypedCheckType(editor) && <TypedCheckFields type={editor} form={form} />}
      {values.type === 'http' && <HttpFields form={form} />}
      {values.type === 'tcp' && (
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <TextInput
            label="Host"
            placeholder="db.example.org or 192.0.2.10"
            required
            {...form.getInputProps('tcp.host')}
            style={{ gridColumn: 'span 2' }}
            data-testid="check-tcp-host"
          />
          <NumberInput
            label="Port"
            required
            min={1}
            max={65535}
            allowDecimal={false}
            {...form.getInputProps('tcp.port')}
            data-testid="check-tcp-port"
          />
        </SimpleGrid>
      )}
      {editor === 'json' && values.type !== '' && (
        <Textarea
          label="Configuration (JSON)"
          description={
            <>
              The {values.type.toUpperCase()} check's settings as a JSON object, e.g. <Code fz="xs">{'{ "host": "example.org" }'}</Code>
            </>
          }
          autosize
          minRows={4}
          maxRows={16}
          styles={MONO}
          spellCheck={false}
          {...form.getInputProps('configJson')}
          data-testid="check-config-json"
        />
      )}
      {form.errors.config && (
        <Text size="sm" c="red" data-testid="check-config-error">
          {form.errors.config}
        </Text>
      )}
      {secretNames.map((name) => {
        const stored = storedSecrets.includes(name);
        const { label, hint } = SECRET_LABELS[name] ?? { label: name };
        return (
          <PasswordInput
            key={name}
            label={label}
            description={`${stored ? 'Stored — leave blank to keep it.' : 'Write-only: sealed on the server and never shown again.'}${hint ? ` ${hint}` : ''}`}
            placeholder={stored ? '•••••• (stored)' : undefined}
            autoComplete="new-password"
            {...form.getInputProps(`secrets.${name}`)}
            value={values.secrets[name] ?? ''}
            data-testid={`check-secret-${name}`}
          />
        );
      })}
    </Stack>
  );
}

function HttpFields({ form }: { form: UseFormReturnType<CheckFormValues> }) {
  const http = form.getValues().http;
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
        <Select
          label="Method"
          data={METHODS}
          allowDeselect={false}
          {...form.getInputProps('http.method')}
          data-testid="check-http-method"
        />
        <TextInput
          label="URL"
          placeholder="https://example.org/health"
          required
          {...form.getInputProps('http.url')}
          style={{ gridColumn: 'span 3' }}
          data-testid="check-http-url"
        />
      </SimpleGrid>
      <Textarea
        label="Headers"
        description="One per line: Name: value"
        autosize
        minRows={1}
        maxRows={6}
        styles={MONO}
        {...form.getInputProps('http.headers')}
        data-testid="check-http-headers"
      />
      {http.method !== 'GET' && http.method !== 'HEAD' && (
        <Textarea
          label="Body"
          autosize
          minRows={2}
          maxRows={8}
          styles={MONO}
          {...form.getInputProps('http.body')}
          data-testid="check-http-body"
        />
      )}
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Select
          label="Authentication"
          data={AUTH_OPTIONS}
          allowDeselect={false}
          {...form.getInputProps('http.auth')}
          data-testid="check-http-auth"
        />
        {http.auth === 'basic' && (
          <TextInput label="User name" required {...form.getInputProps('http.username')} data-testid="check-http-username" />
        )}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" verticalSpacing="xs">
        <Switch label="Follow redirects" {...form.getInputProps('http.followRedirects', { type: 'checkbox' })} />
        <Switch label="Verify TLS certificate" {...form.getInputProps('http.verifyTls', { type: 'checkbox' })} />
        {http.followRedirects && (
          <NumberInput
            label="At most redirects"
            min={0}
            max={20}
            allowDecimal={false}
            {...form.getInputProps('http.maxRedirects')}
            onChange={(value) => form.setFieldValue('http.maxRedirects', int(value, 10))}
          />
        )}
      </SimpleGrid>
    </>
  );
}
