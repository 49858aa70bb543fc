import type { AuditEvent } from '@estate/contract';
import { Badge, Code, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatPreciseDateTime } from '../../components/format-time';
import type { PagedList } from '../../components/paged-query';
import { AuditEventDetail } from './AuditEventDetail';
import { AuditTarget } from './AuditTarget';
import { OUTCOME_COLORS } from './outcome-colors';

/** Props of `AuditTable`. */
export interface AuditTableProps {
  events: readonly AuditEvent[];
  loading: boolean;
  /** The keyset list the events came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
}

const COLUMNS: DataTableColumn<AuditEvent>[] = [
  {
    id: 'at',
    header: 'Time',
    cell: (event) => (
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatPreciseDateTime(event.at)}
      </Text>
    ),
  },
  {
    id: 'actor',
    header: 'Actor',
    cell: (event) => (
      <>
        <Text size="sm">{event.actorLabel ?? event.actorId ?? event.actorType}</Text>
        <Text size="xs" c="dimmed">
          {event.actorType}
        </Text>
      </>
    ),
  },
  { id: 'action', header: 'Action', cell: (event) => <Code>{event.action}</Code> },
  {
    id: 'outcome',
    header: 'Outcome',
    cell: (event) => (
      <Badge variant="light" color={OUTCOME_COLORS[event.outcome]}>
        {event.outcome}
      </Badge>
    ),
  },
  { id: 'target', header: 'Target', cell: (event) => <AuditTarget event={event} /> },
];

/** Audit events as a table, newest first; a row unfolds to the event's full record below it. */
export function AuditTable({ events, loading, list }: AuditTableProps) {
  return (
    <DataTable
      columns={COLUMNS}
      rows={events}
      rowKey={(event) => event.id}
      rowLabel={(event) => `${event.action} at ${formatPreciseDateTime(event.at)}`}
      renderExpanded={(event) => <AuditEventDetail event={event} />}
      loading={loading}
      empty="No events match."
      list={list}
      endLabel="End of the log"
      compact
      minWidth={820}
      testId="audit-table"
      rowTestId="audit-row"
    />
  );
}
