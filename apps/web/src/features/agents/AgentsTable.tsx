import type { Agent, AgentStatus } from '@estate/contract';
import { Badge, Code, Group, Table, Text, Tooltip } from '@mantine/core';
import { formatDateTime } from '../../components/format-time';
import { CiLink } from '../inventory/CiLink';
import { AgentActions } from './AgentActions';

/** Props of `AgentsTable`. */
export interface AgentsTableProps {
  agents: readonly Agent[];
  loading: boolean;
  /** Whether to show approve and revoke (the viewer holds `agents:write`). */
  canManage: boolean;
}

const STATUS_COLORS: Record<AgentStatus, string> = { active: 'teal', pending: 'yellow', revoked: 'gray' };

/** Enrolled agents: host, status, online badge, version, OS, last contact, linked CI, dropped records, actions. */
export function AgentsTable({ agents, loading, canManage }: AgentsTableProps) {
  return (
    <Table.ScrollContainer minWidth={980}>
      <Table striped highlightOnHover verticalSpacing="sm" data-testid="agents-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Host</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>OS</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>CI</Table.Th>
            <Table.Th>Dropped</Table.Th>
            {canManage && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {agents.map((agent) => (
            <Table.Tr key={agent.id} data-testid="agent-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {agent.hostname}
                </Text>
                <Tooltip label="SHA-256 of the agent's public key">
                  <Code fz="xs">{agent.keyFingerprint.slice(0, 16)}…</Code>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Badge variant="dot" color={STATUS_COLORS[agent.status]} data-testid="agent-status">
                    {agent.status}
                  </Badge>
                  {agent.status === 'active' && (
                    <Badge variant="light" color={agent.online ? 'green' : 'red'} data-testid="agent-online">
                      {agent.online ? 'online' : 'offline'}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{agent.version}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{agent.os ?? '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(agent.lastSeenAt)}</Text>
                {agent.lastAddress && (
                  <Text size="xs" c="dimmed">
                    from {agent.lastAddress}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {agent.ciId ? (
                  <CiLink id={agent.ciId} />
                ) : (
                  <Text size="sm" c="dimmed">
                    not yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={agent.droppedRecords > 0 ? 'orange' : undefined}>
                  {agent.droppedRecords}
                </Text>
              </Table.Td>
              {canManage && (
                <Table.Td>
                  <AgentActions agent={agent} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
          {!loading && agents.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={canManage ? 8 : 7}>
                <Text c="dimmed" ta="center" py="md">
                  No agents here yet. Create an enrollment token below and run the command it shows on a host.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
