import { ApiError } from '@estate/client';
import type { AlertRoutingTestAnswer } from '@estate/contract';
import { Alert, Badge, Button, Code, Grid, Group, List, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { formatDateTime } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePagedQuery } from '../../../components/paged-query';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { ChannelImportCard } from './ChannelImportCard';
import { RouteTreeEditor } from './RouteTreeEditor';
import { RoutingTree } from './RoutingTree';
import { SuppressionTabs } from './SuppressionTabs';
import { alertRoutingQuery, alertRoutingVersionsQuery, SUPPRESSION_QUERY_KEY } from './suppression-queries';

/**
 * The routing configuration: Alertmanager's `route`, `receivers`, `inhibit_rules` and `time_intervals` as YAML, its
 * issues listed by path when saving fails, the tree it makes, and a box to test which receivers labels reach.
 */
export function RoutingPage() {
  const me = useMe();
  if (!can(me, 'alerting:read')) return <NoPermission permission="alerting:read" />;
  return <Routing canWrite={can(me, 'alerting:write')} />;
}

function Routing({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const routing = useQuery(alertRoutingQuery(api));
  const versions = usePagedQuery(alertRoutingVersionsQuery(api));
  const [yaml, setYaml] = useState<string | null>(null);
  const current = routing.data?.value;
  useEffect(() => {
    if (current && yaml === null) setYaml(current.yaml);
  }, [current, yaml]);

  const save = useMutation({
    mutationFn: () => api.putAlertRouting(yaml ?? '', routing.data?.etag ?? '"routing.0"'),
    onSuccess: async ({ value }) => {
      notifications.show({ color: 'teal', title: 'Routing saved', message: `Version ${value.version} is in use.` });
      queryClient.setQueryData(alertRoutingQuery(api).queryKey, (old) => (old ? { ...old, value } : old));
      await queryClient.invalidateQueries({ queryKey: SUPPRESSION_QUERY_KEY });
    },
  });
  const preview = useMutation({ mutationFn: () => api.previewAlertRouting(yaml ?? '') });
  // The newest of save and preview speaks: a save after a preview replaces what the preview said, and back.
  const [shown, setShown] = useState<'save' | 'preview'>('save');
  const attempt = shown === 'save' ? save : preview;
  const issues = attempt.error instanceof ApiError && attempt.error.status === 400 ? (attempt.error.problem.errors ?? []) : [];
  const carried = shown === 'save' ? save.data?.value.channelImport : preview.data?.channelImport;

  return (
    <>
      <PageHeader
        title="Alert routing"
        description="Paste your Alertmanager route, receivers, inhibit_rules and time_intervals; Estate routes alerts the same way."
      />
      <SuppressionTabs active="/alerting/routing" />
      <ProblemAlert error={routing.error} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <SectionCard
            title={
              current
                ? current.isDefault
                  ? 'Configuration (built-in default)'
                  : `Configuration, version ${current.version}`
                : 'Configuration'
            }
            description={current?.updatedAt ? `Saved ${formatDateTime(current.updatedAt)} by ${current.updatedBy ?? 'unknown'}` : undefined}
          >
            <Stack>
              <Textarea
                aria-label="Routing configuration (YAML)"
                value={yaml ?? ''}
                onChange={(event) => setYaml(event.currentTarget.value)}
                autosize
                minRows={16}
                maxRows={40}
                readOnly={!canWrite}
                spellCheck={false}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
                data-testid="routing-yaml"
              />
              {issues.length > 0 && (
                <Alert
                  color="red"
                  title={attempt.error instanceof ApiError ? attempt.error.detail : 'Invalid'}
                  data-testid="routing-issues"
                >
                  <List size="sm" spacing={2}>
                    {issues.map((issue) => (
                      <List.Item key={`${issue.path}:${issue.message}`} data-testid="routing-issue">
                        <Code>{issue.path}</Code> {issue.message}
                      </List.Item>
                    ))}
                  </List>
                </Alert>
              )}
              {issues.length === 0 && <ProblemAlert error={attempt.error} />}
              {canWrite && (
                <Group justify="flex-end">
                  <Button variant="default" disabled={!current} onClick={() => setYaml(current?.yaml ?? '')}>
                    Revert
                  </Button>
                  <Button
                    variant="light"
                    onClick={() => {
                      setShown('preview');
                      preview.mutate();
                    }}
                    loading={preview.isPending}
                    disabled={yaml === null}
                    data-testid="preview-routing"
                  >
                    Preview
                  </Button>
                  <Button
                    onClick={() => {
                      setShown('save');
                      const sent = yaml;
                      // The stored text (inline secrets gone) replaces what was sent, not what was typed since.
                      save.mutate(undefined, { onSuccess: ({ value }) => setYaml((now) => (now === sent ? value.yaml : now)) });
                    }}
                    loading={save.isPending}
                    disabled={yaml === null}
                    data-testid="save-routing"
                  >
                    Save
                  </Button>
                </Group>
              )}
            </Stack>
          </SectionCard>
          {carried && (
            <Stack mt="md">
              <ChannelImportCard result={carried} preview={shown === 'preview'} />
            </Stack>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack>
            {canWrite && yaml !== null ? (
              <SectionCard
                title="Route tree"
                description="Of the YAML being edited: where each alert goes, top to bottom. A change made here is written into the YAML; Save to use it."
              >
                <RouteTreeEditor yaml={yaml} onChange={setYaml} />
              </SectionCard>
            ) : (
              <SectionCard title="Route tree" description="As saved: where each alert goes, top to bottom.">
                {current && <RoutingTree routing={current} />}
              </SectionCard>
            )}
            <RoutingTestBox yaml={yaml !== null && yaml !== current?.yaml ? yaml : undefined} />
            <SectionCard title="Versions">
              <Stack gap={4} data-testid="routing-versions">
                {versions.items.length === 0 && (
                  <Text size="sm" c="dimmed">
                    None saved yet.
                  </Text>
                )}
                {versions.items.map((version) => (
                  <Group key={version.version} justify="space-between" wrap="nowrap">
                    <Text size="sm" style={{ flex: 1 }}>
                      Version {version.version} · {formatDateTime(version.updatedAt)} · {version.updatedBy ?? 'unknown'}
                    </Text>
                    {canWrite && (
                      <Button size="compact-xs" variant="subtle" onClick={() => setYaml(version.yaml)}>
                        Load
                      </Button>
                    )}
                  </Group>
                ))}
              </Stack>
            </SectionCard>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

/** Reads `name=value` lines (or `name="value"`) into labels; blank lines are skipped. */
function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split(/[\n,]/)) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim();
    let value = line.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name) labels[name] = value;
  }
  return labels;
}

/** Labels in, the routes and receivers they reach out (with what mutes them now); tests unsaved YAML when given. */
function RoutingTestBox({ yaml }: { yaml: string | undefined }) {
  const api = useApi();
  const [text, setText] = useState('alertname=DiskFull\nseverity=critical');
  const test = useMutation({ mutationFn: () => api.testAlertRouting({ labels: labelsOf(text), ...(yaml ? { yaml } : {}) }) });
  const answer: AlertRoutingTestAnswer | undefined = test.data;
  return (
    <SectionCard title="Test labels" description={yaml ? 'Against the edited, unsaved configuration.' : 'Against the saved configuration.'}>
      <Stack gap="xs">
        <Textarea
          aria-label="Labels, one name=value a line"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          autosize
          minRows={3}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          data-testid="routing-test-labels"
        />
        <Group justify="flex-end">
          <Button size="xs" variant="light" onClick={() => test.mutate()} loading={test.isPending} data-testid="routing-test">
            Test
          </Button>
        </Group>
        <ProblemAlert error={test.error} />
        {answer && (
          <Stack gap={4} data-testid="routing-test-result">
            {answer.matches.map((match) => (
              <Group key={match.routePath} gap={6}>
                <Badge variant="light" styles={{ label: { textTransform: 'none' } }}>
                  {match.receiver}
                </Badge>
                <Code>{match.routePath}</Code>
                {match.mutedBy && (
                  <Badge color="gray" variant="outline" size="sm">
                    muted: {match.mutedBy}
                  </Badge>
                )}
                {match.silencedBy.length > 0 && (
                  <Badge color="orange" variant="outline" size="sm">
                    silenced
                  </Badge>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </SectionCard>
  );
}
