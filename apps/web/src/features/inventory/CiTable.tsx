import type { Ci, CiTypeInfo } from '@estate/contract';
import { Anchor, Checkbox, Table, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { CiColumn } from './ci-columns';

/** Props of `CiTable`. */
export interface CiTableProps {
  cis: readonly Ci[];
  types: readonly CiTypeInfo[] | undefined;
  columns: readonly CiColumn[];
  loading: boolean;
  /** Ids of the selected rows; selection checkboxes show only when `onSelectionChange` is given. */
  selected: ReadonlySet<string>;
  onSelectionChange?: ((selected: Set<string>) => void) | undefined;
}

/** Width of the name column, always shown. */
const NAME_WIDTH = 200;
/** Height of every body row in pixels; windowing relies on it being fixed. */
const ROW_HEIGHT = 44;
/** Rows rendered above and below the visible window, so fast scrolling shows no blank band. */
const OVERSCAN = 10;
/** Height of the scrolling area: most of a screen, yet leaving the filters in sight. */
const VIEWPORT_HEIGHT = 'min(70vh, 720px)';

/**
 * The CI list as a table with a windowed body: only the rows in view (and a few around) are in the DOM, so pages
 * of thousands of CIs scroll smoothly. Rows have a fixed height; long values are cut with an ellipsis.
 */
export function CiTable({ cis, types, columns, loading, selected, onSelectionChange }: CiTableProps) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(720);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(cis.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = cis.slice(first, last);
  const selectable = onSelectionChange !== undefined;
  const allSelected = cis.length > 0 && cis.every((ci) => selected.has(ci.id));
  const colSpan = columns.length + 1 + (selectable ? 1 : 0);
  const minWidth = NAME_WIDTH + columns.reduce((sum, column) => sum + column.width, 0) + (selectable ? 40 : 0);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    onSelectionChange?.(next);
  };

  return (
    <div
      style={{ maxHeight: VIEWPORT_HEIGHT, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
      onScroll={(event) => {
        setScrollTop(event.currentTarget.scrollTop);
        setViewport(event.currentTarget.clientHeight);
      }}
      data-testid="ci-table-viewport"
    >
      <Table
        highlightOnHover
        stickyHeader
        layout="fixed"
        miw={minWidth}
        verticalSpacing={0}
        data-testid="ci-table"
        style={{ tableLayout: 'fixed' }}
      >
        <Table.Thead>
          <Table.Tr>
            {selectable && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select all loaded"
                  checked={allSelected}
                  indeterminate={!allSelected && selected.size > 0}
                  onChange={() => onSelectionChange?.(allSelected ? new Set() : new Set(cis.map((ci) => ci.id)))}
                  data-testid="ci-select-all"
                />
              </Table.Th>
            )}
            <Table.Th w={NAME_WIDTH}>Name</Table.Th>
            {columns.map((column) => (
              <Table.Th key={column.id} w={column.width}>
                {column.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {first > 0 && <tr aria-hidden style={{ height: first * ROW_HEIGHT }} />}
          {visible.map((ci) => (
            <Table.Tr
              key={ci.id}
              h={ROW_HEIGHT}
              data-testid="ci-row"
              bg={selected.has(ci.id) ? 'var(--mantine-primary-color-light)' : undefined}
            >
              {selectable && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${ci.name}`}
                    checked={selected.has(ci.id)}
                    onChange={() => toggle(ci.id)}
                    data-testid="ci-select"
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Anchor
                  renderRoot={(props) => <Link {...props} to="/inventory/$id" params={{ id: ci.id }} />}
                  size="sm"
                  fw={500}
                  truncate="end"
                  display="block"
                >
                  {ci.name}
                </Anchor>
              </Table.Td>
              {columns.map((column) => (
                <Table.Td key={column.id} style={{ overflow: 'hidden', whiteSpace: 'nowrap' }}>
                  {column.render(ci, types)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          {last < cis.length && <tr aria-hidden style={{ height: (cis.length - last) * ROW_HEIGHT }} />}
          {!loading && cis.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={colSpan}>
                <Text c="dimmed" ta="center" py="md">
                  No configuration items match.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </div>
  );
}
