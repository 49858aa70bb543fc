import type { CreateEscalationPolicyRequest, EscalationPolicy, EscalationTarget } from '@estate/contract';
import { Button, Group, Modal, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { EscalationPolicyEditor } from './EscalationPolicyEditor';
import { OnCallTabs } from './OnCallTabs';
import { ONCALL_QUERY_KEY, onCallApi, usersQuery } from './oncall-api';

/** Escalation policies: who is told about an alert, when, until someone acknowledges it. */
export function EscalationPoliciesPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Policies canWrite={can(me, 'alerting:write')} />;
}

type Editing = { kind: 'new' } | { kind: 'edit'; policy: EscalationPolicy } | null;

function Policies({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const oncall = onCallApi(api);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const list = useQuery({ queryKey: [...ONCALL_QUERY_KEY, 'policies'], queryFn: () => oncall.listPolicies() });
  const schedules = useQuery({ queryKey: [...ONCALL_QUERY_KEY, 'schedules'], queryFn: () => oncall.listSchedules() });
  const users = useQuery(usersQuery(api));
  const userOptions = (users.data ?? []).map((u) => ({ value: u.id, label: u.name }));
  const scheduleOptions = (schedules.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ONCALL_QUERY_KEY });
  const label = (target: EscalationTarget) =>
    target.kind === 'user'
      ? (userOptions.find((u) => u.value === target.userId)?.label ?? 'unknown user')
      : target.kind === 'schedule'
        ? `on call in ${scheduleOptions.find((s) => s.value === target.scheduleId)?.label ?? 'a deleted schedule'}`
        : `channel ${target.channelId}`;
  const save = async (draft: CreateEscalationPolicyRequest) => {
    if (editing?.kind === 'edit') {
      const { etag } = await oncall.getPolicy(editing.policy.id);
      await oncall.updatePolicy(editing.policy.id, draft, etag);
    } else await oncall.createPolicy(draft);
    await refresh();
    setEditing(null);
  };

  return (
    <>
      <PageHeader
        title="On-call"
        description="Escalation policies: steps with targets and delays, repeated until someone acknowledges."
        actions={
          canWrite && (
            <Button onClick={() => setEditing({ kind: 'new' })} data-testid="create-policy">
              New policy
            </Button>
          )
        }
      />
      <OnCallTabs active="/oncall/escalation-policies" />
      <ProblemAlert error={list.error} />
      <Table data-testid="policies-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Steps</Table.Th>
            <Table.Th>Repeat</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((policy) => (
            <Table.Tr key={policy.id} data-testid="policy-row">
              <Table.Td>{policy.name}</Table.Td>
              <Table.Td>
                {policy.steps.map((step, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional.
                  <Text key={i} size="sm">
                    {i + 1}. {step.targets.map(label).join(', ')} — then {step.delayMinutes} min
                  </Text>
                ))}
              </Table.Td>
              <Table.Td>{policy.repeat === 0 ? 'no' : `${policy.repeat}×`}</Table.Td>
              <Table.Td>
                {canWrite && (
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setEditing({ kind: 'edit', policy })}>
                      Edit
                    </Button>
                    <ConfirmButton
                      label="Delete"
                      size="xs"
                      color="red"
                      variant="subtle"
                      title={`Delete ${policy.name}?`}
                      message="Alerts routed to this policy will no longer page anyone through it."
                      confirmLabel="Delete policy"
                      onConfirm={async () => {
                        const { etag } = await oncall.getPolicy(policy.id);
                        await oncall.deletePolicy(policy.id, etag);
                        await refresh();
                      }}
                    />
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.items.length === 0 && (
        <Text size="sm" c="dimmed" mt="sm">
          No escalation policies yet.
        </Text>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.kind === 'edit' ? `Edit ${editing.policy.name}` : 'New escalation policy'}
        size="lg"
      >
        {editing && (
          <EscalationPolicyEditor
            initial={
              editing.kind === 'edit'
                ? { name: editing.policy.name, steps: editing.policy.steps, repeat: editing.policy.repeat }
                : { name: '', steps: [{ targets: [], delayMinutes: 15 }], repeat: 0 }
            }
            users={userOptions}
            schedules={scheduleOptions}
            submitLabel={editing.kind === 'edit' ? 'Save' : 'Create policy'}
            onSubmit={save}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </>
  );
}
