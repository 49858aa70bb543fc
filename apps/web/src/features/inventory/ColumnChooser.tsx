import { Button, Checkbox, Popover, Stack } from '@mantine/core';
import { CI_COLUMNS } from './ci-columns';

/** Props of `ColumnChooser`. */
export interface ColumnChooserProps {
  value: readonly string[];
  onChange: (columns: string[]) => void;
}

/** A popover of checkboxes choosing the inventory table's columns (the name column is always shown). */
export function ColumnChooser({ value, onChange }: ColumnChooserProps) {
  return (
    <Popover position="bottom-end" withinPortal shadow="md">
      <Popover.Target>
        <Button variant="default" data-testid="column-chooser">
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Checkbox.Group value={[...value]} onChange={(next) => onChange(CI_COLUMNS.map((c) => c.id).filter((id) => next.includes(id)))}>
          <Stack gap={6}>
            {CI_COLUMNS.map((column) => (
              <Checkbox key={column.id} value={column.id} label={column.label} data-testid={`column-${column.id}`} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Popover.Dropdown>
    </Popover>
  );
}
