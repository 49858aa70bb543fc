import type { Versioned } from '@estate/client';
import {
  type CreateSnmpCredentialRequest,
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SNMP_SECURITY_LEVELS,
  type SnmpCredential,
  type SnmpSecurityLevel,
  type SnmpVersion,
} from '@estate/contract';
import { Button, Group, Modal, PasswordInput, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
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

function CredentialForm({ credential, onClose }: Omit<SnmpCredentialModalProps, 'opened'>) {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = credential?.value;
  const [name, setName] = useState(current?.name ?? '');
  const [version, setVersion] = useState<SnmpVersion>(current?.snmpVersion ?? 'v2c');
  const [community, setCommunity] = useState('');
  const [user, setUser] = useState(current?.user ?? '');
  const [level, setLevel] = useState<SnmpSecurityLevel>(current?.securityLevel ?? 'authPriv');
  const [authProtocol, setAuthProtocol] = useState(current?.authProtocol ?? 'sha256');
  const [authKey, setAuthKey] = useState('');
  const [privProtocol, setPrivProtocol] = useState(current?.privProtocol ?? 'aes');
  const [privKey, setPrivKey] = useState('');
  // A stored secret counts only while the version (and for keys, the level) it belongs to is unchanged.
  const kept = {
    community: current?.snmpVersion === version && !!current.configured.community,
    authKey: current?.snmpVersion === version && !!current.configured.authKey,
    privKey: current?.snmpVersion === version && !!current.configured.privKey,
  };

  const save = useMutation({
    mutationFn: (request: CreateSnmpCredentialRequest) => {
      if (!credential) return api.createSnmpCredential(request);
      // Secrets left empty are not sent, so the server keeps the stored ones.
      return api.updateSnmpCredential(credential.value.id, request, credential.etag ?? '');
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      onClose();
    },
  });
  const errors = fieldErrorsOf(save.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request: CreateSnmpCredentialRequest = { name: name.trim(), snmpVersion: version };
    if (version === 'v2c') {
      if (community) request.community = community;
    } else {
      request.user = user.trim();
      request.securityLevel = level;
      if (level !== 'noAuthNoPriv') {
        request.authProtocol = authProtocol as CreateSnmpCredentialRequest['authProtocol'];
        if (authKey) request.authKey = authKey;
      }
      if (level === 'authPriv') {
        request.privProtocol = privProtocol as CreateSnmpCredentialRequest['privProtocol'];
        if (privKey) request.privKey = privKey;
      }
    }
    save.mutate(request);
  };

  return (
    <form onSubmit={submit} noValidate data-testid="snmp-credential-form">
      <Stack gap="sm">
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          maxLength={100}
          error={errors.name}
          data-autofocus
          data-testid="credential-name"
        />
        <SegmentedControl
          data={[
            { value: 'v2c', label: 'SNMP v2c' },
            { value: 'v3', label: 'SNMP v3' },
          ]}
          value={version}
          onChange={(v) => setVersion(v as SnmpVersion)}
          data-testid="credential-version"
        />
        {version === 'v2c' ? (
          <PasswordInput
            label="Community"
            placeholder={secretHint(kept.community)}
            value={community}
            onChange={(e) => setCommunity(e.currentTarget.value)}
            required={!kept.community}
            autoComplete="off"
            error={errors.community}
            data-testid="credential-community"
          />
        ) : (
          <>
            <TextInput
              label="User"
              value={user}
              onChange={(e) => setUser(e.currentTarget.value)}
              required
              error={errors.user}
              maxLength={64}
            />
            <Select
              label="Security level"
              data={SNMP_SECURITY_LEVELS.map((l) => ({ value: l, label: levelLabel[l] }))}
              value={level}
              onChange={(v) => v && setLevel(v as SnmpSecurityLevel)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            {level !== 'noAuthNoPriv' && (
              <Group grow align="flex-start">
                <Select
                  label="Authentication"
                  data={[...SNMP_AUTH_PROTOCOLS]}
                  value={authProtocol}
                  onChange={(v) => v && setAuthProtocol(v as typeof authProtocol)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                />
                <PasswordInput
                  label="Authentication key"
                  placeholder={secretHint(kept.authKey)}
                  value={authKey}
                  onChange={(e) => setAuthKey(e.currentTarget.value)}
                  required={!kept.authKey}
                  autoComplete="off"
                  error={errors.authKey}
                  data-testid="credential-auth-key"
                />
              </Group>
            )}
            {level === 'authPriv' && (
              <Group grow align="flex-start">
                <Select
                  label="Privacy"
                  data={[...SNMP_PRIV_PROTOCOLS]}
                  value={privProtocol}
                  onChange={(v) => v && setPrivProtocol(v as typeof privProtocol)}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: true }}
                />
                <PasswordInput
                  label="Privacy key"
                  placeholder={secretHint(kept.privKey)}
                  value={privKey}
                  onChange={(e) => setPrivKey(e.currentTarget.value)}
                  required={!kept.privKey}
                  autoComplete="off"
                  error={errors.privKey}
                  data-testid="credential-priv-key"
                />
              </Group>
            )}
          </>
        )}
        <ProblemAlert error={save.error} shownFields={['name', 'community', 'user', 'authKey', 'privKey']} />
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
