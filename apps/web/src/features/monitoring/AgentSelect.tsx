import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';

/** Props of `AgentSelect`. */
export interface AgentSelectProps {
  value: string | null;
  onChange: (agentId: string | null) => void;
  error?: string | undefined;
}

/** The host agent an agent-side check runs on: the active agents by host name (the first 500). */
export function AgentSelect({ value, onChange, error }: AgentSelectProps) {
  const api = useApi();
  const agents = useQuery({
    queryKey: ['agents', 'check-form'] as const,
    queryFn: () => api.listAgents({ status: 'active', limit: 500 }),
  });
  const data = (agents.data?.items ?? []).map((agent) => ({ value: agent.id, label: agent.hostname }));
  if (value && !data.some((d) => d.value === value)) data.push({ value, label: value });
  return (
    <Select
      label="Runs on"
      description="The host agent that runs this check on its own host and reports its results."
      placeholder={agents.isError ? 'Agents cannot be listed (needs agents:read)' : 'Choose an agent'}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      required
      error={error}
      data-testid="check-agent"
    />
  );
}
