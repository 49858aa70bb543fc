import { Checkbox, Table, UnstyledButton } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
import type { DataTableColumn } from './data-table-column';

/** A row's `data-*` attributes, by their `dataset` names (`{ current: true }` is `data-current="true"`). */
export type DataTableDataset = Record<string, string | number | boolean | undefined>;

/** Props of `DataTableRow`. */
export interface DataTableRowProps<T> {
  row: T;
  columns: readonly DataTableColumn<T>[];
  /** Fixed height in pixels (windowed tables). */
  height?: number | undefined;
  testId?: string | undefined;
  dataset?: DataTableDataset | undefined;
  /** The row's checkbox, when the table has selection. */
  selection?: { ticked: boolean; label: string; onToggle: () => void } | undefined;
  /** The row's fold, when the table has expandable rows. */
  expansion?: { expanded: boolean; detailId: string; label: string; render: () => ReactNode; onToggle: () => void } | undefined;
}

/** Interactive content of a cell, whose clicks are its own and do not fold the row. */
const INTERACTIVE = 'a, button, input, label, select, textarea, [role="button"]';

/**
 * One body row of a `DataTable`: an optional checkbox, an optional fold button, the cells, and when unfolded a
 * second row across the whole table with the row's detail.
 */
export function DataTableRow<T>({ row, columns, height, testId, dataset, selection, expansion }: DataTableRowProps<T>) {
  const colSpan = columns.length + (selection ? 1 : 0) + (expansion ? 1 : 0);
  const attributes = Object.fromEntries(
    Object.entries(dataset ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [`data-${name}`, String(value)]),
  );
  // A click anywhere on an expandable row folds it, as people expect of a list of records; the button is there for
  // keyboard and screen-reader users, and clicks on links or buttons inside cells stay theirs.
  const onRowClick = expansion
    ? (event: MouseEvent<HTMLTableRowElement>) => {
        if (!(event.target instanceof Element) || !event.target.closest(INTERACTIVE)) expansion.onToggle();
      }
    : undefined;

  return (
    <>
      <Table.Tr
        h={height}
        data-testid={testId}
        {...attributes}
        data-expanded={expansion?.expanded}
        bg={selection?.ticked ? 'var(--mantine-primary-color-light)' : undefined}
        onClick={onRowClick}
        style={expansion ? { cursor: 'pointer' } : undefined}
      >
        {selection && (
          <Table.Td>
            <Checkbox aria-label={selection.label} checked={selection.ticked} onChange={selection.onToggle} data-testid="select-row" />
          </Table.Td>
        )}
        {expansion && (
          <Table.Td>
            <UnstyledButton
              aria-expanded={expansion.expanded}
              aria-controls={expansion.expanded ? expansion.detailId : undefined}
              aria-label={expansion.label}
              onClick={expansion.onToggle}
              fz="xs"
              c="dimmed"
              px={4}
              data-testid="expand-row"
            >
              {expansion.expanded ? '▼' : '▶'}
            </UnstyledButton>
          </Table.Td>
        )}
        {columns.map((column) => (
          <Table.Td key={column.id} style={column.nowrap ? { overflow: 'hidden', whiteSpace: 'nowrap' } : undefined}>
            {column.cell(row)}
          </Table.Td>
        ))}
      </Table.Tr>
      {expansion?.expanded && (
        <Table.Tr id={expansion.detailId} data-testid={testId && `${testId}-detail`}>
          <Table.Td colSpan={colSpan} bg="var(--mantine-color-default-hover)">
            {expansion.render()}
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
