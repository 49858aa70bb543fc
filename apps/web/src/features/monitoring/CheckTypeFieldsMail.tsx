import { Input, NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { CheckFormValues } from './check-form';
import { MAIL_PORTS } from './check-type-config-mail';

type Form = UseFormReturnType<CheckFormValues>;

const GREETINGS = { smtp: '220', imap: '* OK' } as const;

/**
 * A mail server check (SMTP or IMAP): host, port, how TLS is used, what the greeting starts with, and whether an
 * untrusted certificate fails it. The port's placeholder follows the TLS choice (25/465, 143/993).
 */
export function MailFields({ form, type }: { form: Form; type: 'smtp' | 'imap' }) {
  const mail = form.getValues()[type];
  const ports = MAIL_PORTS[type];
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
        <TextInput
          label="Host"
          placeholder="mail.example.org"
          required
          {...form.getInputProps(`${type}.host`)}
          style={{ gridColumn: 'span 2' }}
          data-testid={`check-${type}-host`}
        />
        <NumberInput
          label="Port"
          placeholder={String(mail.tlsMode === 'tls' ? ports.tls : ports.plain)}
          min={1}
          max={65535}
          allowDecimal={false}
          {...form.getInputProps(`${type}.port`)}
          data-testid={`check-${type}-port`}
        />
        <TextInput
          label="Greeting starts with"
          placeholder={GREETINGS[type]}
          {...form.getInputProps(`${type}.expect`)}
          data-testid={`check-${type}-expect`}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
        <Input.Wrapper label="TLS" error={form.errors[`${type}.tlsMode`]}>
          <div>
            <SegmentedControl
              data={[
                { value: 'none', label: 'None' },
                { value: 'starttls', label: 'STARTTLS' },
                { value: 'tls', label: 'From the start' },
              ]}
              {...form.getInputProps(`${type}.tlsMode`)}
              data-testid={`check-${type}-tls-mode`}
            />
          </div>
        </Input.Wrapper>
        {mail.tlsMode !== 'none' && (
          <Switch
            label="Verify the certificate"
            description="Off: an untrusted certificate is reported but does not fail the check"
            mt={{ base: 0, sm: 'lg' }}
            {...form.getInputProps(`${type}.verify`, { type: 'checkbox' })}
            data-testid={`check-${type}-verify`}
          />
        )}
      </SimpleGrid>
    </Stack>
  );
}
