import type { AuditEvent } from '@estate/contract';
import { Table, Text } from '@mantine/core';
import { useState } from 'react';
import { AuditRow } from './AuditRow';

/** Props of `AuditTable`. */
export interface AuditTableProps {
  events: readonly AuditEvent[];
  loading: boolean;
}

/** Audit events as a table; clicking a row unfolds its full record below it. */
export function AuditTable({ events, loading }: AuditTableProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Table.ScrollContainer minWidth={820}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="audit-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={28} aria-label="Details" />
            <Table.Th>Time</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Target</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => (
            <AuditRow key={event.id} event={event} expanded={expanded.has(event.id)} onToggle={() => toggle(event.id)} />
          ))}
          {!loading && events.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={6}>
                <Text c="dimmed" ta="center" py="md">
                  No events match.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
