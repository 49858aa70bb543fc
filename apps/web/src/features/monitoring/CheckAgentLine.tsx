import { isAgentCheckType } from '@estate/contract';
import { Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';

/**
 * Where a check assigned to an agent runs: on that host (agent-side types) or from that agent's site as a remote
 * collector (network types), with the agent's host name when the viewer may read agents.
 */
export function CheckAgentLine({ agentId, type }: { agentId: string; type: string }) {
  const api = useApi();
  const agent = useQuery({ queryKey: ['agents', agentId] as const, queryFn: () => api.getAgent(agentId), retry: false });
  const name = agent.data?.hostname ?? agentId;
  return (
    <Text size="xs" c="dimmed" data-testid="check-agent-line">
      {isAgentCheckType(type) ? 'Runs on host agent ' : 'Runs from remote collector '}
      <Link to="/agents">{name}</Link>
      {isAgentCheckType(type) ? '' : ', which delivers its results through its buffered channel'}
    </Text>
  );
}
