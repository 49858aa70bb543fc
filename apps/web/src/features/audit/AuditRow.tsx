import type { AuditEvent } from '@estate/contract';
import { Badge, Code, Table, Text, UnstyledButton } from '@mantine/core';
import { formatPreciseDateTime } from '../../components/format-time';
import { AuditEventDetail } from './AuditEventDetail';
import { OUTCOME_COLORS } from './outcome-colors';

/** Props of `AuditRow`. */
export interface AuditRowProps {
  event: AuditEvent;
  expanded: boolean;
  onToggle: () => void;
}

/** One audit event: a summary row, and its full record in a row below when expanded. */
export function AuditRow({ event, expanded, onToggle }: AuditRowProps) {
  const detailId = `audit-detail-${event.id}`;
  return (
    <>
      <Table.Tr onClick={onToggle} style={{ cursor: 'pointer' }} data-testid="audit-row" data-expanded={expanded}>
        <Table.Td>
          <UnstyledButton
            aria-expanded={expanded}
            aria-controls={detailId}
            aria-label={expanded ? 'Hide details' : 'Show details'}
            onClick={(click) => {
              // The row's own handler toggles too; the button exists for keyboard and screen-reader users.
              click.stopPropagation();
              onToggle();
            }}
            fz="xs"
            c="dimmed"
          >
            {expanded ? '▼' : '▶'}
          </UnstyledButton>
        </Table.Td>
        <Table.Td>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {formatPreciseDateTime(event.at)}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{event.actorLabel ?? event.actorId ?? event.actorType}</Text>
          <Text size="xs" c="dimmed">
            {event.actorType}
          </Text>
        </Table.Td>
        <Table.Td>
          <Code>{event.action}</Code>
        </Table.Td>
        <Table.Td>
          <Badge variant="light" color={OUTCOME_COLORS[event.outcome]}>
            {event.outcome}
          </Badge>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{event.targetType ?? '—'}</Text>
          {event.targetId && (
            <Text size="xs" c="dimmed" ff="monospace">
              {event.targetId}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {expanded && (
        <Table.Tr id={detailId} data-testid="audit-row-detail">
          <Table.Td colSpan={6} bg="var(--mantine-color-default-hover)">
            <AuditEventDetail event={event} />
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
