import { CHECK_STATES, type CheckState } from '@estate/contract';
import { Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { checkTypeLabel } from './check-format';
import type { CheckListState } from './check-list-state';

/** Props of `ChecksFilterBar`. */
export interface ChecksFilterBarProps {
  state: CheckListState;
  onChange: (state: CheckListState) => void;
  /** The check types the server runs. */
  types: readonly string[];
}

const STATE_OPTIONS = CHECK_STATES.map((value) => ({ value, label: value }));

/** The checks list's search box and its state and type filters; each change applies at once. */
export function ChecksFilterBar({ state, onChange, types }: ChecksFilterBarProps) {
  return (
    <Paper withBorder p="sm" mb="sm" data-testid="check-filters">
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm" verticalSpacing="xs">
        <TextInput
          label="Search"
          placeholder="Name or target"
          value={state.q}
          onChange={(event) => onChange({ ...state, q: event.currentTarget.value })}
          data-testid="check-search"
        />
        <Select
          label="State"
          placeholder="Any state"
          data={STATE_OPTIONS}
          value={state.state}
          onChange={(value) => onChange({ ...state, state: value as CheckState | null, disabledOnly: false })}
          clearable
          data-testid="check-filter-state"
        />
        <Select
          label="Type"
          placeholder="Any type"
          data={types.map((value) => ({ value, label: checkTypeLabel(value) }))}
          value={state.type}
          onChange={(value) => onChange({ ...state, type: value })}
          clearable
          data-testid="check-filter-type"
        />
      </SimpleGrid>
    </Paper>
  );
}
