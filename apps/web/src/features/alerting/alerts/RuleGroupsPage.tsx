import type { AlertRuleGroup, ImportAlertRulesAnswer } from '@estate/contract';
import { Anchor, Badge, Button, FileButton, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { HorizontalScroll } from '../../../components/HorizontalScroll';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { formatRelative } from '../../inventory/ci-labels';
import { ALERTING_QUERY_KEY, ruleGroupsQuery } from './alerting-queries';

/** Alert rule groups: their rules, health and alerts; new group, import a Prometheus rule file, export them all. */
export function RuleGroupsPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <RuleGroups canWrite={can(me, 'alerting:write')} />;
}

function RuleGroups({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const groups = useQuery(ruleGroupsQuery(api));
  const [imported, setImported] = useState<ImportAlertRulesAnswer | null>(null);
  const importFile = useMutation({
    mutationFn: async (file: File) => api.importAlertRules({ yaml: await file.text(), file: file.name }),
    onSuccess: (answer) => {
      setImported(answer);
      return queryClient.invalidateQueries({ queryKey: ALERTING_QUERY_KEY });
    },
  });

  return (
    <>
      <PageHeader
        title="Alert rules"
        description="Prometheus rule groups: PromQL expressions over the metrics, and Estate's check-state rules."
        actions={
          <>
            <Button variant="default" component="a" href={api.exportAlertRulesUrl()} data-testid="export-rules">
              Export
            </Button>
            {canWrite && (
              <FileButton onChange={(file) => file && importFile.mutate(file)} accept=".yml,.yaml,application/yaml,text/yaml">
                {(props) => (
                  <Button variant="default" loading={importFile.isPending} data-testid="import-rules" {...props}>
                    Import rule file
                  </Button>
                )}
              </FileButton>
            )}
            {canWrite && (
              <Button renderRoot={(props) => <Link {...props} to="/alerts/rules/new" />} data-testid="new-rule-group">
                New rule group
              </Button>
            )}
          </>
        }
      />
      <ProblemAlert error={groups.error ?? importFile.error} />
      {imported && (
        <Text size="sm" mb="sm" data-testid="import-result">
          Imported: {imported.created.length} created, {imported.replaced.length} replaced, {imported.unchanged.length} unchanged.
        </Text>
      )}
      <Stack gap="md">
        {(groups.data ?? []).map((group) => (
          <GroupCard key={group.id} group={group} />
        ))}
        {groups.data?.length === 0 && (
          <Paper withBorder p="lg" radius="md">
            <Text c="dimmed">No rule groups. Create one, or import a Prometheus rule file.</Text>
          </Paper>
        )}
      </Stack>
    </>
  );
}

function GroupCard({ group }: { group: AlertRuleGroup }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid="rule-group" data-name={group.name}>
      <Group justify="space-between" mb={6}>
        <Group gap="xs">
          <Anchor
            renderRoot={(props) => <Link {...props} to="/alerts/rules/$id" params={{ id: group.id }} />}
            fw={600}
            data-testid="rule-group-link"
          >
            {group.name}
          </Anchor>
          {!group.enabled && (
            <Badge color="gray" variant="outline" size="sm">
              disabled
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            every {group.intervalSeconds} s{group.file ? ` · ${group.file}` : ''}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {group.lastEvaluation === null ? 'not evaluated yet' : `evaluated ${formatRelative(group.lastEvaluation)}`}
        </Text>
      </Group>
      <HorizontalScroll minWidth={600}>
        <Table verticalSpacing={4}>
          <Table.Tbody>
            {group.rules.map((rule) => (
              // Rule names may repeat within a group; name and expression together tell rules apart.
              <Table.Tr key={`${rule.name}\u0000${rule.expr}\u0000${rule.checkStates?.join()}`} data-testid="rule-row">
                <Table.Td w={220}>
                  <Text size="sm" fw={500}>
                    {rule.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {rule.kind === 'check-state' ? `check state: ${rule.checkStates?.join(', ')}` : rule.expr}
                  </Text>
                  {rule.lastError && (
                    <Text size="xs" c="red" data-testid="rule-error">
                      {rule.lastError}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td w={190}>
                  <Group gap={4}>
                    <Badge size="xs" color={rule.health === 'ok' ? 'teal' : rule.health === 'err' ? 'red' : 'gray'} variant="light">
                      {rule.health}
                    </Badge>
                    {rule.firing > 0 && (
                      <Badge size="xs" color="red">
                        {rule.firing} firing
                      </Badge>
                    )}
                    {rule.pending > 0 && (
                      <Badge size="xs" color="yellow">
                        {rule.pending} pending
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </HorizontalScroll>
    </Paper>
  );
}
