import type { MaintenanceScopeInput } from '@estate/contract';
import { CloseButton, Group, Paper, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../../app/use-api';
import { CiLink } from '../../inventory/CiLink';
import { CiPicker } from '../../inventory/CiPicker';

/** What a window covers, as the form edits it. */
export interface ScopeValue {
  ciIds: string[];
  checks: { id: string; name: string }[];
  tags: string[];
  matchers: string;
}

/** The request's scope from the form's. */
export function scopeRequest(scope: ScopeValue): MaintenanceScopeInput {
  return {
    ciIds: scope.ciIds,
    checkIds: scope.checks.map((check) => check.id),
    tags: scope.tags,
    ...(scope.matchers.trim() ? { matchers: scope.matchers.trim() } : {}),
  };
}

/** A check's name; read from the server when the form only knows its id (editing a saved window). */
function CheckName({ id, name }: { id: string; name: string }) {
  const api = useApi();
  const read = useQuery({
    queryKey: ['suppression', 'check-name', id],
    queryFn: () => api.getCheck(id),
    enabled: name === '',
    staleTime: 60_000,
    retry: false,
  });
  return <Text size="sm">{name || read.data?.value.name || id}</Text>;
}

/** Props of `ScopePicker`. */
export interface ScopePickerProps {
  value: ScopeValue;
  onChange: (scope: ScopeValue) => void;
  errors: Record<string, string>;
}

/** CIs (searched by name in the inventory), checks (searched by name), CI tags and label matchers. */
export function ScopePicker({ value, onChange, errors }: ScopePickerProps) {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const checks = useQuery({
    queryKey: ['suppression', 'check-picker', q],
    queryFn: () => api.listChecks({ q: q || undefined, limit: 25 }),
  });
  const ciError = Object.entries(errors).find(([path]) => path.startsWith('scope.ciIds'))?.[1];
  return (
    <Stack gap="sm" data-testid="maintenance-scope">
      <Text size="sm" fw={500}>
        Covers
      </Text>
      {errors.scope && (
        <Text size="sm" c="red">
          {errors.scope}
        </Text>
      )}
      {value.ciIds.length > 0 && (
        <Group gap={6}>
          {value.ciIds.map((id) => (
            <Paper key={id} withBorder px={8} py={2} radius="xl" data-testid="scope-ci">
              <Group gap={4} wrap="nowrap">
                <CiLink id={id} />
                <CloseButton
                  size="sm"
                  aria-label="Remove this CI"
                  onClick={() => onChange({ ...value, ciIds: value.ciIds.filter((c) => c !== id) })}
                />
              </Group>
            </Paper>
          ))}
        </Group>
      )}
      <CiPicker
        label="Configuration items"
        description="Alerts about these CIs are held back during the window."
        value={null}
        onChange={(id) => {
          if (id && !value.ciIds.includes(id)) onChange({ ...value, ciIds: [...value.ciIds, id] });
        }}
        error={ciError}
        data-testid="scope-ci-picker"
      />
      {value.checks.length > 0 && (
        <Group gap={6}>
          {value.checks.map((check) => (
            <Paper key={check.id} withBorder px={8} py={2} radius="xl">
              <Group gap={4} wrap="nowrap">
                <CheckName id={check.id} name={check.name} />
                <CloseButton
                  size="sm"
                  aria-label={`Remove ${check.name}`}
                  onClick={() => onChange({ ...value, checks: value.checks.filter((c) => c.id !== check.id) })}
                />
              </Group>
            </Paper>
          ))}
        </Group>
      )}
      <Select
        label="Checks"
        placeholder="Type to search"
        searchable
        data={(checks.data?.items ?? []).map((check) => ({ value: check.id, label: check.name }))}
        value={null}
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        onChange={(id) => {
          const check = checks.data?.items.find((c) => c.id === id);
          if (check && !value.checks.some((c) => c.id === check.id))
            onChange({ ...value, checks: [...value.checks, { id: check.id, name: check.name }] });
          setSearch('');
        }}
        nothingFoundMessage={checks.isFetching ? 'Searching…' : 'No matching check'}
        data-testid="scope-check-picker"
      />
      <TagsInput
        label="CI tags"
        description="CIs carrying any of these tags when the window starts."
        value={value.tags}
        onChange={(tags) => onChange({ ...value, tags })}
        data-testid="scope-tags"
      />
      <TextInput
        label="Label matchers"
        description='Alerts whose labels every matcher accepts, e.g. {env="staging", service=~"db.*"}'
        value={value.matchers}
        onChange={(event) => onChange({ ...value, matchers: event.currentTarget.value })}
        error={Object.entries(errors).find(([path]) => path.startsWith('scope.matchers'))?.[1]}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid="scope-matchers"
      />
    </Stack>
  );
}
