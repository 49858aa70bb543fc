import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { DISCOVERY_QUERY_KEY } from '../discovery/discovery-queries';

/** Props of `SnmpCredentialSelect`. */
export interface SnmpCredentialSelectProps {
  value: string | null;
  onChange: (credentialId: string | null) => void;
  error?: string | undefined;
  'data-testid'?: string;
}

/**
 * The discovery SNMP credential a check logs in with (the first 500 by name), looked up by the server on every run so
 * a changed community applies at once. Listing needs discovery:read; without it a saved credential shows by its id.
 */
export function SnmpCredentialSelect({ value, onChange, error, 'data-testid': testId }: SnmpCredentialSelectProps) {
  const api = useApi();
  const credentials = useQuery({
    queryKey: [...DISCOVERY_QUERY_KEY, 'snmp-credentials', 'check-form'] as const,
    queryFn: () => api.listSnmpCredentials({ limit: 500 }),
  });
  const data = (credentials.data?.items ?? []).map((c) => ({
    value: c.id,
    label: `${c.name} (${c.snmpVersion}${c.user ? ` user ${c.user}` : ''})`,
  }));
  if (value && !data.some((d) => d.value === value)) data.push({ value, label: value });
  return (
    <Select
      label="Credential"
      description="A discovery credential: its version, user and secrets apply; it holds them, so none are given below."
      placeholder={credentials.isError ? 'Credentials cannot be listed (needs discovery:read)' : 'Choose a credential'}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      required
      nothingFoundMessage="No SNMP credential: add one under Discovery"
      error={error}
      data-testid={testId}
    />
  );
}
