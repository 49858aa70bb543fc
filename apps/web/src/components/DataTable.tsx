import { Checkbox, Table, Text, UnstyledButton } from '@mantine/core';
import { type ReactNode, useId, useState } from 'react';
import { type DataTableDataset, DataTableRow } from './DataTableRow';
import type { DataTableColumn } from './data-table-column';
import { HorizontalScroll } from './HorizontalScroll';
import { LoadMoreButton } from './LoadMoreButton';
import type { PagedList } from './paged-query';
import { type TableWindow, useTableWindow } from './use-table-window';

export type { DataTableDataset } from './DataTableRow';
export type { DataTableColumn } from './data-table-column';

/** A table's sort: a column's sort key, ascending or descending. */
export interface DataTableSort {
  key: string;
  direction: 'asc' | 'desc';
}

/** The rows a `DataTable` has ticked, by row key, and how to change them. */
export interface DataTableSelection {
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
}

/** Props of `DataTable`. */
export interface DataTableProps<T> {
  columns: readonly DataTableColumn<T>[];
  rows: readonly T[];
  /** A stable, unique key of each row (its id); selection holds these keys. */
  rowKey: (row: T) => string;
  /** While true the empty state stays hidden, so a table never says "nothing" before it has asked. */
  loading: boolean;
  /** What an empty, loaded table says. */
  empty: ReactNode;
  /** The current sort; the table never sorts rows itself, the caller asks the server again. */
  sort?: DataTableSort | undefined;
  onSortChange?: ((sort: DataTableSort) => void) | undefined;
  /** Shows a checkbox per row and a "select all loaded" box in the header. */
  selection?: DataTableSelection | undefined;
  /** The keyset list the rows came from: adds the "Load more" foot. */
  list?: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'> | undefined;
  /** Shown under the table when the list has no more pages and rows were loaded. */
  endLabel?: string | undefined;
  /**
   * Renders only the rows in view, for lists of thousands; rows then have the given fixed height (so they cannot
   * also unfold with `renderExpanded`).
   */
  windowed?: TableWindow | undefined;
  /**
   * Makes rows unfold: a button at the start of each row (and a click on the row) shows what this returns in a full
   * width row beneath it. Rows fold independently; which are open is kept by row key while the table is shown.
   */
  renderExpanded?: ((row: T) => ReactNode) | undefined;
  /** Tighter rows, for tables inside a card or a tab and for long reports. */
  compact?: boolean | undefined;
  /** Below this width (pixels) the table scrolls sideways, with a fade and a line saying so. */
  minWidth?: number | undefined;
  /** A label of each row for its checkbox ("Select srv-01") and its fold button ("Show details of srv-01"). */
  rowLabel?: ((row: T) => string) | undefined;
  /** Extra `data-*` attributes of each row, e.g. `{ current: session.current }` for `data-current="true"`. */
  rowDataset?: ((row: T) => DataTableDataset) | undefined;
  testId?: string | undefined;
  /** The test id of each row; an unfolded row's detail row gets it with `-detail` appended. */
  rowTestId?: string | undefined;
}

/**
 * A list page's table: columns with cell renderers, server-side sorting from the headers, an empty and a loading
 * state, row selection over the loaded rows, rows that unfold to a detail, and the keyset "Load more" foot. Sorting
 * and paging are controlled: the table reports what the user asked for and shows the rows it is given.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, loading, empty, selection, list, endLabel, windowed, minWidth, testId, rowTestId } = props;
  const renderExpanded = windowed ? undefined : props.renderExpanded;
  const window = useTableWindow(rows.length, windowed);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const detailIdPrefix = useId();
  const visible = rows.slice(window.first, window.last);
  const allSelected = selection !== undefined && rows.length > 0 && rows.every((row) => selection.selected.has(rowKey(row)));
  const colSpan = columns.length + (selection ? 1 : 0) + (renderExpanded ? 1 : 0);

  const tick = (key: string) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (!next.delete(key)) next.add(key);
    selection.onChange(next);
  };
  const fold = (key: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const table = (
    <Table
      striped={!windowed && !renderExpanded}
      highlightOnHover
      stickyHeader={windowed !== undefined}
      verticalSpacing={windowed ? 0 : props.compact ? 'xs' : 'sm'}
      miw={minWidth}
      style={windowed ? { tableLayout: 'fixed' } : undefined}
      data-testid={testId}
    >
      <Table.Thead>
        <Table.Tr>
          {selection && (
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select all loaded"
                checked={allSelected}
                indeterminate={!allSelected && selection.selected.size > 0}
                onChange={() => selection.onChange(allSelected ? new Set() : new Set(rows.map(rowKey)))}
                data-testid="select-all"
              />
            </Table.Th>
          )}
          {renderExpanded && <Table.Th w={32} aria-label="Details" />}
          {columns.map((column) => (
            <Table.Th key={column.id} w={column.width} aria-sort={ariaSort(column, props.sort)}>
              <ColumnHeader column={column} sort={props.sort} onSortChange={props.onSortChange} />
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {window.before > 0 && <tr aria-hidden style={{ height: window.before }} />}
        {visible.map((row) => {
          const key = rowKey(row);
          const label = props.rowLabel?.(row);
          const open = expanded.has(key);
          return (
            <DataTableRow
              key={key}
              row={row}
              columns={columns}
              height={windowed?.rowHeight}
              testId={rowTestId}
              dataset={props.rowDataset?.(row)}
              selection={selection && { ticked: selection.selected.has(key), label: `Select ${label ?? key}`, onToggle: () => tick(key) }}
              expansion={
                renderExpanded && {
                  expanded: open,
                  detailId: `${detailIdPrefix}-${key}`,
                  label: `${open ? 'Hide' : 'Show'} details${label ? ` of ${label}` : ''}`,
                  render: () => renderExpanded(row),
                  onToggle: () => fold(key),
                }
              }
            />
          );
        })}
        {window.after > 0 && <tr aria-hidden style={{ height: window.after }} />}
        {!loading && rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={colSpan}>
              <Text c="dimmed" ta="center" py="md" data-testid="table-empty">
                {empty}
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {loading && rows.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={colSpan}>
              <Text c="dimmed" ta="center" py="md" data-testid="table-loading">
                Loading…
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
      </Table.Tbody>
    </Table>
  );

  return (
    <>
      <HorizontalScroll
        minWidth={minWidth ?? 0}
        testId={testId && `${testId}-scroll`}
        viewport={windowed && { style: window.viewportStyle, onScroll: window.onScroll, testId: testId && `${testId}-viewport` }}
      >
        {table}
      </HorizontalScroll>
      {list && <LoadMoreButton list={list} endLabel={rows.length > 0 ? endLabel : undefined} />}
    </>
  );
}

function ariaSort<T>(column: DataTableColumn<T>, sort: DataTableSort | undefined): 'ascending' | 'descending' | 'none' | undefined {
  if (!column.sortKey) return undefined;
  if (sort?.key !== column.sortKey) return 'none';
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}

function ColumnHeader<T>({
  column,
  sort,
  onSortChange,
}: {
  column: DataTableColumn<T>;
  sort: DataTableSort | undefined;
  onSortChange: ((sort: DataTableSort) => void) | undefined;
}) {
  const { sortKey } = column;
  if (!sortKey || !onSortChange) return column.header;
  const active = sort?.key === sortKey;
  // A first click sorts ascending; clicking the sorted column again flips it.
  const next: DataTableSort = { key: sortKey, direction: active && sort.direction === 'asc' ? 'desc' : 'asc' };
  return (
    <UnstyledButton onClick={() => onSortChange(next)} fw={700} fz="sm" data-testid={`sort-${column.id}`}>
      {column.header}{' '}
      {active ? (
        sort.direction === 'asc' ? (
          '▲'
        ) : (
          '▼'
        )
      ) : (
        <Text span c="dimmed" fz="xs">
          ↕
        </Text>
      )}
    </UnstyledButton>
  );
}
