import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteSearch } from '../../app/route-params';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { useMe } from '../auth/use-me';
import { ExploreControls } from './ExploreControls';
import { type ExploreState, exploreState, formatDuration, toExploreSearch } from './explore-search';
import { GraphView } from './GraphView';
import { PromqlEditor } from './PromqlEditor';
import { TableView } from './TableView';

/** The metrics explorer: PromQL over Estate's metric store, as a table or a graph, its state in the URL. */
export function ExplorePage() {
  const me = useMe();
  if (!can(me, 'metrics:read')) return <NoPermission permission="metrics:read" />;
  return <Explorer />;
}

function Explorer() {
  const search = useRouteSearch('/explore');
  const navigate = useNavigate();
  const state = exploreState(search);
  const [draft, setDraft] = useState(state.expr);
  // Back, forward or a followed link puts another expression in the URL: the editor shows it.
  useEffect(() => setDraft(state.expr), [state.expr]);

  // "Now" is resolved when the URL changes and on every run, so that running the same query again asks again.
  const [runs, setRuns] = useState(0);
  const searchKey = JSON.stringify(search);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the time is re-read exactly when these change.
  const now = useMemo(() => Date.now(), [searchKey, runs]);

  const update = (patch: Partial<ExploreState>) => {
    void navigate({ to: '/explore', search: toExploreSearch({ ...state, ...patch }) });
  };
  const run = (text: string) => {
    if (text.trim() === '') return;
    update({ expr: text });
    setRuns((count) => count + 1);
  };
  const endMs = state.endMs ?? now;
  // A span dragged across the graph becomes its range and end, to the second: a new entry in the history.
  const zoom = (fromMs: number, toMs: number) => {
    const spanMs = Math.max(1000, Math.round((toMs - fromMs) / 1000) * 1000);
    update({ range: formatDuration(spanMs), rangeMs: spanMs, endMs: Math.round(toMs / 1000) * 1000 });
  };

  return (
    <Stack gap="md">
      <PageHeader
        title="Explore metrics"
        description="Ask the metric store in PromQL: agents' host metrics under node_exporter's names, labelled by ci_id and instance."
      />
      <Stack gap={4}>
        <Group gap="sm" align="flex-start" wrap="nowrap">
          <div style={{ flex: 1, minWidth: 0 }}>
            <PromqlEditor value={draft} onChange={setDraft} onRun={run} />
          </div>
          <Button onClick={() => run(draft)} disabled={draft.trim() === ''} data-testid="promql-run">
            Run
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          Enter or Shift+Enter runs the query, Alt+Enter starts a new line, Ctrl+Space suggests metric names, labels and functions.
        </Text>
      </Stack>
      <ExploreControls state={state} nowMs={now} onChange={update} />
      {state.expr === '' ? (
        <Paper withBorder p="lg" data-testid="explore-empty">
          <Text c="dimmed" size="sm">
            Type an expression above and press Enter. For example <code>node_load1</code> shows each host's load average, and{' '}
            <code>rate(node_network_receive_bytes_total[5m])</code> the bytes each network interface receives per second.
          </Text>
        </Paper>
      ) : state.view === 'table' ? (
        <TableView expr={state.expr} timeMs={endMs} />
      ) : (
        <GraphView expr={state.expr} rangeMs={state.rangeMs} endMs={endMs} onZoom={zoom} />
      )}
    </Stack>
  );
}
