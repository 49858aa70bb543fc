import type { AuditEvent } from '@estate/contract';
import { Code, SimpleGrid, Stack, Table, Text } from '@mantine/core';

/** Props of `AuditEventDetail`. */
export interface AuditEventDetailProps {
  event: AuditEvent;
}

/** The full record of an audit event: identifiers, where it came from, its chain hash, and before/after state. */
export function AuditEventDetail({ event }: AuditEventDetailProps) {
  const facts: [string, string | null][] = [
    ['Sequence', String(event.seq)],
    ['Event id', event.id],
    ['Actor id', event.actorId],
    ['Target', event.targetType && event.targetId ? `${event.targetType} ${event.targetId}` : event.targetType],
    ['Request id', event.requestId],
    ['Source IP', event.sourceIp],
    ['Hash', event.hash],
  ];
  return (
    <Stack gap="sm" py="xs">
      <Table withRowBorders={false} verticalSpacing={2} layout="fixed">
        <Table.Tbody>
          {facts.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={110} fz="xs" c="dimmed">
                {label}
              </Table.Th>
              <Table.Td fz="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {value ?? '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
        <JsonBlock title="Before" value={event.before} />
        <JsonBlock title="After" value={event.after} />
      </SimpleGrid>
    </Stack>
  );
}

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <Stack gap={4} miw={0}>
      <Text size="xs" fw={600} c="dimmed">
        {title}
      </Text>
      <Code block mah={320} style={{ overflow: 'auto' }}>
        {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
      </Code>
    </Stack>
  );
}
