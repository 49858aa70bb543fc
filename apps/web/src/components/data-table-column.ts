import type { ReactNode } from 'react';

/** One column of a `DataTable`. */
export interface DataTableColumn<T> {
  /** Unique among the table's columns; also the React key of its cells. */
  id: string;
  header: ReactNode;
  /** What the column shows for one row. */
  cell: (row: T) => ReactNode;
  /** The server's sort key of this column (`name`, `updatedAt`); the header is a sort button only when set. */
  sortKey?: string;
  /** Fixed width in pixels; columns without one share what is left. */
  width?: number;
  /** Cuts the cell's content with an ellipsis instead of wrapping (for fixed-height rows). */
  nowrap?: boolean;
}
