import type { Agent, AgentStatus } from '@estate/contract';
import { Badge, Code, Group, Text, Tooltip } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import type { PagedList } from '../../components/paged-query';
import { CiLink } from '../inventory/CiLink';
import { AgentActions } from './AgentActions';

/** Props of `AgentsTable`. */
export interface AgentsTableProps {
  agents: readonly Agent[];
  loading: boolean;
  /** The keyset list the agents came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
  /** Whether to show approve and revoke (the viewer holds `agents:write`). */
  canManage: boolean;
}

const STATUS_COLORS: Record<AgentStatus, string> = { active: 'teal', pending: 'yellow', revoked: 'gray' };

const COLUMNS: DataTableColumn<Agent>[] = [
  {
    id: 'host',
    header: 'Host',
    cell: (agent) => (
      <>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={500}>
            {agent.hostname}
          </Text>
          {agent.local && (
            <Tooltip label="The agent Estate runs for the machine it runs on (ESTATE_LOCAL_AGENT)" multiline w={260}>
              <Badge size="xs" variant="light" color="blue" data-testid="agent-local">
                This server
              </Badge>
            </Tooltip>
          )}
        </Group>
        <Tooltip label={`SHA-256 fingerprint of the agent's public key: ${agent.keyFingerprint}`} multiline w={320}>
          <Text size="xs" c="dimmed" data-testid="agent-key" style={{ whiteSpace: 'nowrap' }}>
            Key <Code fz="xs">{agent.keyFingerprint.slice(0, 12)}…</Code>
          </Text>
        </Tooltip>
      </>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    cell: (agent) => (
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
    ),
  },
  { id: 'version', header: 'Version', cell: (agent) => <Text size="sm">{agent.version}</Text> },
  { id: 'os', header: 'OS', cell: (agent) => <Text size="sm">{agent.os ?? '—'}</Text> },
  {
    id: 'lastSeen',
    header: 'Last seen',
    cell: (agent) => (
      <>
        <Text size="sm">{formatDateTime(agent.lastSeenAt)}</Text>
        {agent.lastAddress && (
          <Text size="xs" c="dimmed">
            from {agent.lastAddress}
          </Text>
        )}
      </>
    ),
  },
  {
    id: 'ci',
    header: 'CI',
    cell: (agent) =>
      agent.ciId ? (
        <CiLink id={agent.ciId} />
      ) : (
        <Text size="sm" c="dimmed">
          not yet
        </Text>
      ),
  },
  {
    id: 'dropped',
    header: 'Dropped',
    cell: (agent) => (
      <Text size="sm" c={agent.droppedRecords > 0 ? 'orange' : undefined}>
        {agent.droppedRecords}
      </Text>
    ),
  },
];

const ACTIONS: DataTableColumn<Agent> = { id: 'actions', header: '', cell: (agent) => <AgentActions agent={agent} /> };

/** Enrolled agents: host, status, online badge, version, OS, last contact, linked CI, dropped records, actions. */
export function AgentsTable({ agents, loading, list, canManage }: AgentsTableProps) {
  return (
    <DataTable
      columns={canManage ? [...COLUMNS, ACTIONS] : COLUMNS}
      rows={agents}
      rowKey={(agent) => agent.id}
      loading={loading}
      empty="No agents here yet. Create an enrollment token below and run the command it shows on a host."
      list={list}
      minWidth={980}
      testId="agents-table"
      rowTestId="agent-row"
    />
  );
}
