import type { Versioned } from '@estate/client';
import type { SnmpCredential } from '@estate/contract';
import { Badge, Button, Group, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { DISCOVERY_QUERY_KEY, snmpCredentialsQuery } from './discovery-queries';
import { SnmpCredentialModal } from './SnmpCredentialForm';

/** Which secrets of a credential are stored, as badges; their values are never shown (nor known to the UI). */
function SecretBadges({ credential }: { credential: SnmpCredential }) {
  const names = (['community', 'authKey', 'privKey'] as const).filter((k) => credential.configured[k]);
  const labels = { community: 'community', authKey: 'auth key', privKey: 'privacy key' };
  return (
    <Group gap={4}>
      {names.map((k) => (
        <Badge key={k} variant="light" color="teal" data-testid="secret-configured">
          {labels[k]} configured
        </Badge>
      ))}
    </Group>
  );
}

const COLUMNS: DataTableColumn<SnmpCredential>[] = [
  { id: 'name', header: 'Name', cell: (c) => c.name },
  { id: 'version', header: 'Version', cell: (c) => c.snmpVersion },
  {
    id: 'security',
    header: 'User and security',
    cell: (c) => (
      <Text size="sm">
        {c.snmpVersion === 'v3'
          ? `${c.user} · ${c.securityLevel}${c.authProtocol ? ` · ${c.authProtocol}` : ''}${c.privProtocol ? `/${c.privProtocol}` : ''}`
          : '—'}
      </Text>
    ),
  },
  { id: 'secrets', header: 'Secrets', cell: (c) => <SecretBadges credential={c} /> },
  { id: 'usedBy', header: 'Used by', cell: (c) => `${c.usedBy} scan${c.usedBy === 1 ? '' : 's'}` },
];

/** SNMP credentials that scans try on live hosts: list, create, edit (secrets write-only) and delete. */
export function SnmpCredentialsPage() {
  const api = useApi();
  const me = useMe();
  const queryClient = useQueryClient();
  const writable = can(me, 'discovery:write');
  const [editing, setEditing] = useState<Versioned<SnmpCredential> | 'new' | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const list = usePagedQuery(snmpCredentialsQuery(api));
  const items = list.items;

  const edit = async (id: string) => {
    setLoadError(null);
    try {
      setEditing(await api.getSnmpCredential(id));
    } catch (error) {
      setLoadError(error);
    }
  };

  const actions: DataTableColumn<SnmpCredential> = {
    id: 'actions',
    header: '',
    cell: (c) => (
      <Group gap={4} justify="flex-end" wrap="nowrap">
        <Button size="xs" variant="default" onClick={() => edit(c.id)} data-testid="edit-credential">
          Edit
        </Button>
        <ConfirmButton
          label="Delete"
          title={`Delete ${c.name}?`}
          message="Scans can no longer use this credential. A credential a scan still uses cannot be deleted."
          confirmLabel="Delete"
          onConfirm={async () => {
            const current = await api.getSnmpCredential(c.id);
            await api.deleteSnmpCredential(c.id, current.etag ?? '');
            await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
          }}
        />
      </Group>
    ),
  };

  return (
    <>
      <PageHeader
        title="SNMP credentials"
        description="Communities and v3 users that scans try. Secrets are encrypted at rest and never shown again."
        actions={
          <>
            <Button variant="default" renderRoot={(props) => <Link {...props} to="/discovery" />}>
              Scans
            </Button>
            {writable && (
              <Button onClick={() => setEditing('new')} data-testid="create-credential">
                New credential
              </Button>
            )}
          </>
        }
      />
      <ProblemAlert error={list.error ?? loadError} />
      <DataTable
        columns={writable ? [...COLUMNS, actions] : COLUMNS}
        rows={items}
        rowKey={(c) => c.id}
        loading={list.isPending}
        empty="No SNMP credentials yet."
        list={list}
        minWidth={640}
        testId="credentials-table"
        rowTestId="credential-row"
      />
      <SnmpCredentialModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        {...(editing && editing !== 'new' ? { credential: editing } : {})}
      />
    </>
  );
}
