import type { AgentStatus } from '@estate/contract';
import { Button, SegmentedControl, Stack } from '@mantine/core';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { AgentsTable } from './AgentsTable';
import { agentsQuery, enrollmentTokensQuery } from './agents-queries';
import { CreateEnrollmentTokenModal } from './CreateEnrollmentTokenModal';
import { EnrollmentTokensTable } from './EnrollmentTokensTable';

type StatusFilter = AgentStatus | 'all';

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'pending', label: 'Pending' },
  { value: 'revoked', label: 'Revoked' },
];

/** Host agents: the enrolled agents with approve and revoke, and the enrollment tokens that let new hosts enroll. */
export function AgentsPage() {
  const api = useApi();
  const me = useMe();
  const canManage = can(me, 'agents:write');
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [creating, setCreating] = useState(false);
  const agents = usePagedQuery(agentsQuery(api, filter === 'all' ? undefined : filter));
  const tokens = usePagedQuery(enrollmentTokensQuery(api));

  return (
    <>
      <PageHeader
        title="Agents"
        description="Hosts running estate-agent report their inventory and metrics here, each with its own revocable key."
        actions={
          canManage && (
            <Button onClick={() => setCreating(true)} data-testid="create-enrollment-token">
              Enroll a host
            </Button>
          )
        }
      />
      <Stack gap="lg">
        <Stack gap="sm">
          <SegmentedControl
            w="fit-content"
            data={FILTERS}
            value={filter}
            onChange={(value) => setFilter(value as StatusFilter)}
            data-testid="agent-status-filter"
          />
          <ProblemAlert error={agents.error} />
          <AgentsTable agents={agents.items} loading={agents.isPending} list={agents} canManage={canManage} />
        </Stack>
        <SectionCard
          title="Enrollment tokens"
          description="Each token enrolls one agent, once, before it expires. Only its hash is stored."
          data-testid="enrollment-tokens"
        >
          <ProblemAlert error={tokens.error} />
          <EnrollmentTokensTable tokens={tokens.items} loading={tokens.isPending} list={tokens} canManage={canManage} />
        </SectionCard>
      </Stack>
      <CreateEnrollmentTokenModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
