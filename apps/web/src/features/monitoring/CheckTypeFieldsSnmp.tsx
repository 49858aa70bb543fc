import { Input, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { CheckFormValues } from './check-form';
import { type SNMP_AUTH_PROTOCOLS, type SNMP_PRIV_PROTOCOLS, SNMP_SECURITY_LEVELS, type SnmpTargetValues } from './check-type-config-snmp';
import { OptionalSelect } from './OptionalSelect';
import { SnmpCredentialSelect } from './SnmpCredentialSelect';

type Form = UseFormReturnType<CheckFormValues>;

const LOGINS = [
  { value: 'v2c', label: 'v2c community' },
  { value: 'v1', label: 'v1 community' },
  { value: 'v3', label: 'v3 user' },
  { value: 'credential', label: 'Stored credential' },
];
const AUTH_LABELS: Record<(typeof SNMP_AUTH_PROTOCOLS)[number], string> = {
  md5: 'MD5',
  sha: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};
const PRIV_LABELS: Record<(typeof SNMP_PRIV_PROTOCOLS)[number], string> = {
  des: 'DES',
  aes: 'AES-128',
  aes256b: 'AES-256 (Blumenthal)',
  aes256r: 'AES-256 (Reeder)',
};
const options = <T extends string>(labels: Record<T, string>) =>
  (Object.entries(labels) as [T, string][]).map(([value, label]) => ({ value, label }));

/**
 * The agent an SNMP check asks and how it logs in, for both SNMP types (`type` is the form's key): a community (a
 * secret below the fields), a v3 user with its level and protocols (the keys are secrets below), or a stored
 * discovery credential.
 */
export function SnmpTargetFields({ form, type }: { form: Form; type: 'snmp' | 'snmp-interfaces' }) {
  const target: SnmpTargetValues = form.getValues()[type];
  const id = (field: string) => `check-${type}-${field}`;
  const level = target.securityLevel;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
        <TextInput
          label="Device"
          placeholder="switch1.example.org or 192.0.2.1"
          required
          {...form.getInputProps(`${type}.host`)}
          style={{ gridColumn: 'span 2' }}
          data-testid={id('host')}
        />
        <NumberInput
          label="Port"
          placeholder="161"
          min={1}
          max={65535}
          allowDecimal={false}
          {...form.getInputProps(`${type}.port`)}
          data-testid={id('port')}
        />
        <Select
          label="Log in with"
          data={LOGINS}
          allowDeselect={false}
          {...form.getInputProps(`${type}.login`)}
          data-testid={id('login')}
        />
      </SimpleGrid>
      {target.login === 'credential' && (
        <SnmpCredentialSelect
          value={target.credentialId || null}
          onChange={(credentialId) => form.setFieldValue(`${type}.credentialId`, credentialId ?? '')}
          error={form.errors[`${type}.credentialId`] as string | undefined}
          data-testid={id('credential')}
        />
      )}
      {target.login === 'v3' && (
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 4 }} spacing="sm">
          <TextInput label="User" required autoComplete="off" {...form.getInputProps(`${type}.user`)} data-testid={id('user')} />
          <OptionalSelect
            form={form}
            path={`${type}.securityLevel`}
            label="Security level"
            placeholder="As the keys given imply"
            data={[...SNMP_SECURITY_LEVELS]}
            data-testid={id('security-level')}
          />
          {level !== 'noAuthNoPriv' && (
            <OptionalSelect
              form={form}
              path={`${type}.authProtocol`}
              label="Authentication"
              placeholder="SHA-1 (default)"
              data={options(AUTH_LABELS)}
              data-testid={id('auth-protocol')}
            />
          )}
          {(level === 'authPriv' || level === '') && (
            <OptionalSelect
              form={form}
              path={`${type}.privProtocol`}
              label="Privacy"
              placeholder="AES-128 (default)"
              data={options(PRIV_LABELS)}
              data-testid={id('priv-protocol')}
            />
          )}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** An SNMP check: its agent and login, then a GET of OIDs or a walk of one subtree. */
export function SnmpFields({ form }: { form: Form }) {
  const snmp = form.getValues().snmp;
  return (
    <Stack gap="sm">
      <SnmpTargetFields form={form} type="snmp" />
      <Input.Wrapper label="Read">
        <div>
          <SegmentedControl
            data={[
              { value: 'get', label: 'Values (GET)' },
              { value: 'walk', label: 'A subtree (walk)' },
            ]}
            {...form.getInputProps('snmp.reads')}
            data-testid="check-snmp-reads"
          />
        </div>
      </Input.Wrapper>
      {snmp.reads === 'get' ? (
        <Textarea
          label="OIDs"
          description="One per line, optionally followed by a name for [BODY].name; each value is checked by the conditions ([VALUE] is the first) and numbers are stored as series."
          placeholder="1.3.6.1.2.1.1.3.0 uptime"
          required
          autosize
          minRows={2}
          maxRows={8}
          {...form.getInputProps('snmp.oids')}
          data-testid="check-snmp-oids"
        />
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
          <TextInput
            label="Subtree OID"
            placeholder="1.3.6.1.2.1.2.2.1.8"
            required
            {...form.getInputProps('snmp.walk')}
            style={{ gridColumn: 'span 2' }}
            data-testid="check-snmp-walk"
          />
          <TextInput
            label="Name"
            description="Values keyed name.index"
            placeholder="ifOperStatus"
            {...form.getInputProps('snmp.walkName')}
            data-testid="check-snmp-walk-name"
          />
          <NumberInput
            label="At most values"
            description="The rest is left unread"
            placeholder="100"
            min={1}
            max={1000}
            allowDecimal={false}
            {...form.getInputProps('snmp.maxValues')}
            data-testid="check-snmp-max-values"
          />
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** An SNMP interface check: its agent and login, then the interfaces it covers. */
export function SnmpInterfacesFields({ form }: { form: Form }) {
  return (
    <Stack gap="sm">
      <SnmpTargetFields form={form} type="snmp-interfaces" />
      <Textarea
        label="Interfaces"
        description="Names or patterns (ifName or ifDescr, * a wildcard), one per line; blank: every interface."
        placeholder={'Gi*\nuplink-1'}
        autosize
        minRows={2}
        maxRows={8}
        {...form.getInputProps('snmp-interfaces.interfaces')}
        data-testid="check-snmp-interfaces-interfaces"
      />
    </Stack>
  );
}
