import { CI_SORTS, type CiTypeInfo, type Criticality, type Environment } from '@estate/contract';
import { Button, Collapse, Group, MultiSelect, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { CRITICALITY_OPTIONS, ENVIRONMENT_OPTIONS, STATUS_OPTIONS } from './ci-labels';
import type { CiListState } from './ci-list-state';
import { groupedTypeOptions } from './ci-type-options';

/** Props of `InventoryFilterBar`. */
export interface InventoryFilterBarProps {
  state: CiListState;
  onChange: (state: CiListState) => void;
  types: readonly CiTypeInfo[];
}

const SORT_LABELS: Record<(typeof CI_SORTS)[number], string> = {
  name: 'Name A→Z',
  '-name': 'Name Z→A',
  updatedAt: 'Least recently updated',
  '-updatedAt': 'Recently updated',
  createdAt: 'Oldest first',
  '-createdAt': 'Newest first',
};
const SORT_OPTIONS = CI_SORTS.map((value) => ({ value, label: SORT_LABELS[value] }));

/**
 * The inventory's search box and filters; each change applies at once (the search text is debounced by the page).
 * On a phone only the search box shows; the other filters fold behind a "Filters" button so the list stays in view.
 */
export function InventoryFilterBar({ state, onChange, types }: InventoryFilterBarProps) {
  // Read synchronously so that wide screens never see the filters animate open on first render.
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [unfolded, fold] = useDisclosure(false);
  const set = <K extends keyof CiListState>(key: K, value: CiListState[K]) => onChange({ ...state, [key]: value });
  const active =
    state.types.length + state.statuses.length > 0 || state.environment !== null || state.criticality !== null || state.tag.trim() !== '';
  const search = (
    <TextInput
      label="Search"
      placeholder="Name, IP, serial, tag…"
      value={state.q}
      onChange={(event) => set('q', event.currentTarget.value)}
      style={{ flex: 1 }}
      data-testid="inventory-search"
    />
  );
  return (
    <Paper withBorder p="sm" mb="sm" data-testid="inventory-filters">
      {!wide && (
        <Group gap="xs" align="flex-end" wrap="nowrap" mb={unfolded ? 'xs' : 0}>
          {search}
          <Button
            variant={active ? 'light' : 'default'}
            onClick={fold.toggle}
            aria-expanded={unfolded}
            data-testid="inventory-filters-toggle"
          >
            {unfolded ? 'Hide filters' : active ? 'Filters •' : 'Filters'}
          </Button>
        </Group>
      )}
      <Collapse expanded={wide || unfolded}>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
          {wide && search}
          <MultiSelect
            label="Type"
            placeholder={state.types.length ? undefined : 'Any type'}
            data={groupedTypeOptions(types)}
            value={state.types}
            onChange={(value) => set('types', value)}
            searchable
            clearable
            data-testid="inventory-filter-type"
          />
          <MultiSelect
            label="Status"
            placeholder={state.statuses.length ? undefined : 'Any status'}
            data={STATUS_OPTIONS}
            value={state.statuses}
            onChange={(value) => set('statuses', value)}
            clearable
            data-testid="inventory-filter-status"
          />
          <Select
            label="Sort"
            data={SORT_OPTIONS}
            value={state.sort}
            onChange={(value) => value && set('sort', value as CiListState['sort'])}
            allowDeselect={false}
            data-testid="inventory-sort"
          />
          <Select<Environment>
            label="Environment"
            placeholder="Any environment"
            data={ENVIRONMENT_OPTIONS}
            value={state.environment}
            onChange={(value) => set('environment', value)}
            clearable
            data-testid="inventory-filter-environment"
          />
          <Select<Criticality>
            label="Criticality"
            placeholder="Any criticality"
            data={CRITICALITY_OPTIONS}
            value={state.criticality}
            onChange={(value) => set('criticality', value)}
            clearable
            data-testid="inventory-filter-criticality"
          />
          <TextInput
            label="Tag"
            placeholder="Exact tag"
            value={state.tag}
            onChange={(event) => set('tag', event.currentTarget.value)}
            data-testid="inventory-filter-tag"
          />
        </SimpleGrid>
      </Collapse>
    </Paper>
  );
}
