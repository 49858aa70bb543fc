import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useApi } from '../../app/use-api';
import { humanize } from './ci-labels';
import { ciQuery, INVENTORY_QUERY_KEY } from './inventory-queries';

/** Props of `CiPicker`. */
export interface CiPickerProps {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  /** CI types that may be picked; any type when empty or absent. */
  types?: string[] | undefined;
  description?: string | undefined;
  error?: ReactNode;
  required?: boolean;
  /** Leaves this CI out of the choices (a CI cannot relate to itself). */
  excludeId?: string;
  'data-testid'?: string;
}

/** A searchable select of CIs, asking the server as the user types (names, serials, IPs…). */
export function CiPicker({ label, value, onChange, types, description, error, required, excludeId, 'data-testid': testId }: CiPickerProps) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const typeFilter = types && types.length > 0 ? types.join(',') : undefined;
  const found = useQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'picker', typeFilter, q] as const,
    queryFn: () => api.listCis({ type: typeFilter, q: q || undefined, limit: 25, sort: 'name' }),
  });
  // The chosen CI may not be among the search results; read it so its name shows.
  const selected = useQuery({ ...ciQuery(api, value ?? ''), enabled: value !== null, staleTime: 60_000 });
  const options = new Map<string, { value: string; label: string }>();
  if (value && selected.data) options.set(value, { value, label: selected.data.ci.name });
  for (const ci of found.data?.items ?? []) {
    if (ci.id !== excludeId) options.set(ci.id, { value: ci.id, label: `${ci.name} · ${humanize(ci.type)}` });
  }
  return (
    <Select
      label={label}
      description={description}
      placeholder="Type to search"
      searchable
      clearable
      data={[...options.values()]}
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      searchValue={search}
      filter={({ options: all }) => all}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No matching CI'}
      error={error}
      required={required}
      data-testid={testId}
    />
  );
}
