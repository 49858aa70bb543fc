import { Badge, Button, Center, Group, Loader, Stack, Switch, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useRouteParams } from '../../../app/route-params';
import { useApi } from '../../../app/use-api';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { NoPermission } from '../../../components/NoPermission';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { ALERTING_QUERY_KEY, ruleGroupQuery } from './alerting-queries';
import { RuleBacktest } from './RuleBacktest';
import { RuleYamlEditor } from './RuleYamlEditor';

/** What a new group starts from: one rule of each kind, ready to adapt. */
export const NEW_GROUP_YAML = `groups:
  - name: my rules
    interval: 1m
    rules:
      - alert: HostDiskFullSoon
        expr: predict_linear(node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"}[6h], 7 * 86400) < 0
        for: 30m
        labels:
          severity: warning
        annotations:
          summary: '{{ $labels.mountpoint }} on {{ $labels.instance }} fills up within 7 days'
      - alert: ServiceDown
        check_state:
          states: [down]
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: '{{ $labels.check_name }} is down'
`;

/** A new rule group, written as Prometheus rule-file YAML. */
export function NewRuleGroupPage() {
  const me = useMe();
  if (!can(me, 'alerting:write')) return <NoPermission permission="alerting:write" />;
  return <RuleGroupEditor />;
}

/** One rule group: its YAML to edit, enable or disable, delete. */
export function RuleGroupPage() {
  const me = useMe();
  const { id } = useRouteParams('/alerts/rules/$id');
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <ExistingGroup key={id} id={id} canWrite={can(me, 'alerting:write')} />;
}

function ExistingGroup({ id, canWrite }: { id: string; canWrite: boolean }) {
  const api = useApi();
  const group = useQuery(ruleGroupQuery(api, id));
  if (group.error) return <ProblemAlert error={group.error} />;
  if (!group.data) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  return <RuleGroupEditor existing={group.data} canWrite={canWrite} />;
}

function RuleGroupEditor({
  existing,
  canWrite = true,
}: {
  existing?: { value: { id: string; name: string; yaml: string; enabled: boolean; version: number }; etag: string | null };
  canWrite?: boolean;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [yaml, setYaml] = useState(existing?.value.yaml ?? NEW_GROUP_YAML);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ALERTING_QUERY_KEY });
  const save = useMutation({
    mutationFn: async () => {
      if (!existing) return api.createAlertRuleGroup({ yaml });
      return api.updateAlertRuleGroup(existing.value.id, { yaml }, existing.etag ?? '');
    },
    onSuccess: async (saved) => {
      await refresh();
      if (!existing) await navigate({ to: '/alerts/rules/$id', params: { id: saved.value.id } });
    },
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.updateAlertRuleGroup(existing?.value.id ?? '', { enabled }, existing?.etag ?? ''),
    onSuccess: refresh,
  });

  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Text size="sm">
          <Link to="/alerts">Alerts</Link> / <Link to="/alerts/rules">Alert rules</Link>
        </Text>
        <Group gap="xs">
          <Title order={2} data-testid="rule-group-title">
            {existing ? existing.value.name : 'New rule group'}
          </Title>
          {existing && (
            <Badge variant="default" size="sm">
              version {existing.value.version}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          Prometheus rule-file YAML with one group. Use <code>expr:</code> for PromQL, or Estate's <code>check_state:</code> with the check
          states that count as a problem. Inside <code>expr:</code>, metric names, labels and functions complete as you type (Ctrl+Space
          asks); Tab indents, Escape then Tab moves on.
        </Text>
      </Stack>
      <RuleYamlEditor value={yaml} onChange={setYaml} readOnly={!canWrite} error={save.error} />
      <ProblemAlert error={save.error ?? toggle.error} />
      {canWrite && <RuleBacktest yaml={yaml} />}
      {canWrite && (
        <Group gap="xs">
          <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="rule-group-save">
            {existing ? 'Save' : 'Create'}
          </Button>
          {existing && (
            <Switch
              label="Enabled"
              checked={existing.value.enabled}
              onChange={(e) => toggle.mutate(e.currentTarget.checked)}
              data-testid="rule-group-enabled"
            />
          )}
          {existing && (
            <ConfirmButton
              label="Delete"
              color="red"
              variant="subtle"
              title="Delete this rule group?"
              message="Its rules stop at once. Alerts it raised stay in the history."
              confirmLabel="Delete"
              onConfirm={async () => {
                await api.deleteAlertRuleGroup(existing.value.id, existing.etag ?? '');
                await refresh();
                await navigate({ to: '/alerts/rules' });
              }}
            />
          )}
          {save.isSuccess && existing && (
            <Text size="sm" c="teal" data-testid="rule-group-saved">
              Saved.
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}
