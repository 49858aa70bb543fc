import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';

/** Props of `AgentSelect`. */
export interface AgentSelectProps {
  value: string | null;
  onChange: (agentId: string | null) => void;
  error?: string | undefined;
  /**
   * A network check: the agent is optional and runs it as a remote collector from its own site; none means the Estate
   * server runs it.
   */
  collector?: boolean;
}

/**
 * The host agent an agent-side check runs on, or the remote collector a network check runs from: the active agents by
 * host name (the first 500).
 */
export function AgentSelect({ value, onChange, error, collector = false }: AgentSelectProps) {
  const api = useApi();
  const agents = useQuery({
    queryKey: ['agents', 'check-form'] as const,
    queryFn: () => api.listAgents({ status: 'active', limit: 500 }),
  });
  const data = (agents.data?.items ?? []).map((agent) => ({ value: agent.id, label: agent.hostname }));
  if (value && !data.some((d) => d.value === value)) data.push({ value, label: value });
  return (
    <Select
      label={collector ? 'Runs from' : 'Runs on'}
      description={
        collector
          ? 'Leave empty for the Estate server, or choose an agent started with --collector to check from inside its site; it keeps checking while the server is away and delivers the results later.'
          : 'The host agent that runs this check on its own host and reports its results.'
      }
      placeholder={agents.isError ? 'Agents cannot be listed (needs agents:read)' : collector ? 'The Estate server' : 'Choose an agent'}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      required={!collector}
      clearable={collector}
      error={error}
      data-testid="check-agent"
    />
  );
}
