import type { Ci, CiTypeInfo } from '@estate/contract';
import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { DataTable, type DataTableColumn, type DataTableSort } from '../../components/DataTable';
import type { PagedList } from '../../components/paged-query';
import type { CiColumn } from './ci-columns';
import type { CiListState } from './ci-list-state';

/** Props of `CiTable`. */
export interface CiTableProps {
  cis: readonly Ci[];
  types: readonly CiTypeInfo[] | undefined;
  columns: readonly CiColumn[];
  loading: boolean;
  /** The list's server-side sort, as the API spells it (`name`, `-updatedAt`). */
  sort: CiListState['sort'];
  onSortChange: (sort: CiListState['sort']) => void;
  /** The keyset list the rows came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
  /** Ids of the selected rows; selection checkboxes show only when `onSelectionChange` is given. */
  selected: ReadonlySet<string>;
  onSelectionChange?: ((selected: Set<string>) => void) | undefined;
}

/** Height of every body row in pixels; windowing relies on it being fixed. */
const ROW_HEIGHT = 44;

const nameColumn: DataTableColumn<Ci> = {
  id: 'name',
  header: 'Name',
  width: 200,
  sortKey: 'name',
  nowrap: true,
  cell: (ci) => (
    <Anchor
      renderRoot={(props) => <Link {...props} to="/inventory/$id" params={{ id: ci.id }} />}
      size="sm"
      fw={500}
      truncate="end"
      display="block"
    >
      {ci.name}
    </Anchor>
  ),
};

/** The API's sort parameter as a table sort: a leading `-` means descending. */
function tableSort(sort: CiListState['sort']): DataTableSort {
  return sort.startsWith('-') ? { key: sort.slice(1), direction: 'desc' } : { key: sort, direction: 'asc' };
}

/**
 * The CI list as a table with a windowed body: only the rows in view (and a few around) are in the DOM, so pages
 * of thousands of CIs scroll smoothly. Rows have a fixed height; long values are cut with an ellipsis. Name, updated
 * and created sort on the server.
 */
export function CiTable({ cis, types, columns, loading, sort, onSortChange, list, selected, onSelectionChange }: CiTableProps) {
  const tableColumns: DataTableColumn<Ci>[] = [
    nameColumn,
    ...columns.map(
      (column): DataTableColumn<Ci> => ({
        id: column.id,
        header: column.label,
        width: column.width,
        nowrap: true,
        cell: (ci) => column.render(ci, types),
        ...(column.sortKey ? { sortKey: column.sortKey } : {}),
      }),
    ),
  ];
  // Cells truncate, so the columns may give up a tenth of their width before the table scrolls sideways: the
  // default columns fit a laptop screen without the scroll hint.
  const minWidth = Math.round(tableColumns.reduce((sum, column) => sum + (column.width ?? 0), 0) * 0.9) + (onSelectionChange ? 40 : 0);
  return (
    <DataTable
      columns={tableColumns}
      rows={cis}
      rowKey={(ci) => ci.id}
      rowLabel={(ci) => ci.name}
      loading={loading}
      empty="No configuration items match."
      sort={tableSort(sort)}
      onSortChange={(next) => onSortChange((next.direction === 'desc' ? `-${next.key}` : next.key) as CiListState['sort'])}
      selection={onSelectionChange ? { selected, onChange: onSelectionChange } : undefined}
      list={list}
      endLabel="End of the list"
      windowed={{ rowHeight: ROW_HEIGHT, viewportHeight: 'min(70vh, 720px)' }}
      minWidth={minWidth}
      testId="ci-table"
      rowTestId="ci-row"
    />
  );
}
