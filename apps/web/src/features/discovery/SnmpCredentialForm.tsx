import type { Versioned } from '@estate/client';
import {
  type CreateSnmpCredentialRequest,
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SNMP_SECURITY_LEVELS,
  type SnmpAuthProtocol,
  type SnmpCredential,
  type SnmpPrivProtocol,
  type SnmpSecurityLevel,
  type SnmpVersion,
} from '@estate/contract';
import { Button, Group, Modal, PasswordInput, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { DISCOVERY_QUERY_KEY } from './discovery-queries';

/** Props of `SnmpCredentialModal`. */
export interface SnmpCredentialModalProps {
  opened: boolean;
  onClose: () => void;
  /** The credential to edit (with its ETag); a new one when absent. */
  credential?: Versioned<SnmpCredential>;
}

/** Creating or editing an SNMP credential. Secrets are write-only: a stored one shows as "configured", never its value. */
export function SnmpCredentialModal({ opened, onClose, credential }: SnmpCredentialModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={credential ? `Edit ${credential.value.name}` : 'New SNMP credential'}>
      {opened && <CredentialForm key={credential?.etag ?? 'new'} credential={credential} onClose={onClose} />}
    </Modal>
  );
}

const levelLabel: Record<SnmpSecurityLevel, string> = {
  noAuthNoPriv: 'No authentication, no privacy',
  authNoPriv: 'Authentication, no privacy',
  authPriv: 'Authentication and privacy',
};

/** The placeholder of a secret field: what happens when it is left empty. */
function secretHint(configured: boolean | undefined): string {
  return configured ? 'Configured — leave empty to keep it' : '';
}

interface CredentialValues {
  name: string;
  snmpVersion: SnmpVersion;
  community: string;
  user: string;
  securityLevel: SnmpSecurityLevel;
  authProtocol: SnmpAuthProtocol;
  authKey: string;
  privProtocol: SnmpPrivProtocol;
  privKey: string;
}

/** The shortest SNMPv3 key (RFC 3414), as the contract checks it. */
const V3_KEY_MIN = 8;

/** Which secrets the server keeps when left empty: a stored one, while the version it belongs to is unchanged. */
function keptSecrets(current: SnmpCredential | undefined, version: SnmpVersion) {
  const same = current?.snmpVersion === version;
  return {
    community: same && !!current.configured.community,
    authKey: same && !!current.configured.authKey,
    privKey: same && !!current.configured.privKey,
  };
}

/** The rule of a v3 key: required unless a stored one is kept, and at least eight characters when typed. */
function v3KeyRule(key: string, kept: boolean, what: string): string | null {
  if (key === '') return kept ? null : `Enter the ${what}`;
  return [...key].length < V3_KEY_MIN ? `Use at least ${V3_KEY_MIN} characters` : null;
}

/** The request the form's values make; secrets left empty are not sent, so the server keeps the stored ones. */
function credentialRequest(values: CredentialValues): CreateSnmpCredentialRequest {
  const request: CreateSnmpCredentialRequest = { name: values.name.trim(), snmpVersion: values.snmpVersion };
  if (values.snmpVersion === 'v2c') {
    if (values.community) request.community = values.community;
    return request;
  }
  request.user = values.user.trim();
  request.securityLevel = values.securityLevel;
  if (values.securityLevel !== 'noAuthNoPriv') {
    request.authProtocol = values.authProtocol;
    if (values.authKey) request.authKey = values.authKey;
  }
  if (values.securityLevel === 'authPriv') {
    request.privProtocol = values.privProtocol;
    if (values.privKey) request.privKey = values.privKey;
  }
  return request;
}

function CredentialForm({ credential, onClose }: Omit<SnmpCredentialModalProps, 'opened'>) {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = credential?.value;
  const form = useForm<CredentialValues>({
    initialValues: {
      name: current?.name ?? '',
      snmpVersion: current?.snmpVersion ?? 'v2c',
      community: '',
      user: current?.user ?? '',
      securityLevel: current?.securityLevel ?? 'authPriv',
      authProtocol: current?.authProtocol ?? 'sha256',
      authKey: '',
      privProtocol: current?.privProtocol ?? 'aes',
      privKey: '',
    },
    validate: {
      name: isNotEmpty('Enter a name'),
      community: (community, values) =>
        values.snmpVersion === 'v2c' && community === '' && !keptSecrets(current, values.snmpVersion).community
          ? 'Enter the community'
          : null,
      user: (user, values) => (values.snmpVersion === 'v3' && user.trim() === '' ? 'Enter the user' : null),
      authKey: (key, values) =>
        values.snmpVersion === 'v3' && values.securityLevel !== 'noAuthNoPriv'
          ? v3KeyRule(key, keptSecrets(current, values.snmpVersion).authKey, 'authentication key')
          : null,
      privKey: (key, values) =>
        values.snmpVersion === 'v3' && values.securityLevel === 'authPriv'
          ? v3KeyRule(key, keptSecrets(current, values.snmpVersion).privKey, 'privacy key')
          : null,
    },
  });
  const { snmpVersion: version, securityLevel: level } = form.getValues();
  const kept = keptSecrets(current, version);

  const save = useMutation({
    mutationFn: (request: CreateSnmpCredentialRequest) => {
      if (!credential) return api.createSnmpCredential(request);
      return api.updateSnmpCredential(credential.value.id, request, credential.etag ?? '');
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      onClose();
    },
  });
  useServerFieldErrors(form, save.error);

  const submit = form.onSubmit((values) => save.mutate(credentialRequest(values)));

  return (
    <form onSubmit={submit} noValidate data-testid="snmp-credential-form">
      <Stack gap="sm">
        <TextInput label="Name" {...form.getInputProps('name')} required maxLength={100} data-autofocus data-testid="credential-name" />
        <SegmentedControl
          data={[
            { value: 'v2c', label: 'SNMP v2c' },
            { value: 'v3', label: 'SNMP v3' },
          ]}
          value={version}
          onChange={(value) => form.setFieldValue('snmpVersion', value as SnmpVersion)}
          data-testid="credential-version"
        />
        {version === 'v2c' ? (
          <PasswordInput
            label="Community"
            placeholder={secretHint(kept.community)}
            {...form.getInputProps('community')}
            required={!kept.community}
            autoComplete="off"
            data-testid="credential-community"
          />
        ) : (
          <>
            <TextInput label="User" {...form.getInputProps('user')} required maxLength={64} />
            <Select
              label="Security level"
              data={SNMP_SECURITY_LEVELS.map((l) => ({ value: l, label: levelLabel[l] }))}
              {...form.getInputProps('securityLevel')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            {level !== 'noAuthNoPriv' && (
              <Group grow align="flex-start">
                <Select
                  label="Authentication"
                  data={[...SNMP_AUTH_PROTOCOLS]}
                  {...form.getInputProps('authProtocol')}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                />
                <PasswordInput
                  label="Authentication key"
                  placeholder={secretHint(kept.authKey)}
                  {...form.getInputProps('authKey')}
                  required={!kept.authKey}
                  autoComplete="off"
                  data-testid="credential-auth-key"
                />
              </Group>
            )}
            {level === 'authPriv' && (
              <Group grow align="flex-start">
                <Select
                  label="Privacy"
                  data={[...SNMP_PRIV_PROTOCOLS]}
                  {...form.getInputProps('privProtocol')}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                />
                <PasswordInput
                  label="Privacy key"
                  placeholder={secretHint(kept.privKey)}
                  {...form.getInputProps('privKey')}
                  required={!kept.privKey}
                  autoComplete="off"
                  data-testid="credential-priv-key"
                />
              </Group>
            )}
          </>
        )}
        <ProblemAlert
          error={save.error}
          shownFields={['name', 'community', 'user', 'securityLevel', 'authProtocol', 'authKey', 'privProtocol', 'privKey']}
        />
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="credential-submit">
            {credential ? 'Save' : 'Create credential'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
