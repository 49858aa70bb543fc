import type { Agent } from '@estate/contract';
import { Button, Group, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { AGENTS_QUERY_KEY } from './agents-queries';

/** Props of `AgentActions`. */
export interface AgentActionsProps {
  agent: Agent;
}

/**
 * Approve (pending agents) and revoke (any agent not yet revoked but the server's own), each after a confirmation.
 */
export function AgentActions({ agent }: AgentActionsProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: AGENTS_QUERY_KEY });
  if (agent.status === 'revoked') return null;
  return (
    <Group gap={4} wrap="nowrap">
      {agent.status === 'pending' && (
        <ConfirmButton
          label="Approve"
          color="teal"
          title={`Approve ${agent.hostname}?`}
          message={`The agent with key ${agent.keyFingerprint.slice(0, 16)}… will report inventory and metrics for ${agent.hostname}. Approve it only if you expected this host to enroll.`}
          confirmLabel="Approve agent"
          aria-label={`Approve agent ${agent.hostname}`}
          data-testid="approve-agent"
          onConfirm={async () => {
            await api.approveAgent(agent.id);
            notifications.show({ color: 'teal', title: 'Agent approved', message: `${agent.hostname} may now report.` });
            await refresh();
          }}
        />
      )}
      {agent.local ? (
        <Tooltip
          label="This server's own agent cannot be revoked; start Estate with ESTATE_LOCAL_AGENT=false to turn it off."
          multiline
          w={280}
        >
          {/* A disabled button takes no pointer events; the span carries the tooltip. */}
          <span>
            <Button size="xs" variant="default" disabled data-testid="revoke-agent-local" aria-label={`Revoke agent ${agent.hostname}`}>
              Revoke
            </Button>
          </span>
        </Tooltip>
      ) : (
        <ConfirmButton
          label="Revoke"
          title={`Revoke ${agent.hostname}?`}
          message="The agent's next request will be refused, for good. To bring the host back, enroll it again with a new token."
          confirmLabel="Revoke agent"
          aria-label={`Revoke agent ${agent.hostname}`}
          data-testid="revoke-agent"
          onConfirm={async () => {
            await api.revokeAgent(agent.id);
            notifications.show({ color: 'teal', title: 'Agent revoked', message: `${agent.hostname} can no longer report.` });
            await refresh();
          }}
        />
      )}
    </Group>
  );
}
