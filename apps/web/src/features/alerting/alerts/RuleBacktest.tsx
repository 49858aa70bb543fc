import { createTransport, type EstateClient } from '@estate/client';
import { AlertingRoutes, type BacktestAlertRulesAnswer } from '@estate/contract';
import { Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../../app/use-api';
import { ProblemAlert } from '../../../components/ProblemAlert';

const HOUR = 3_600_000;
const RANGES = [
  { value: '6h', label: '6 h', ms: 6 * HOUR },
  { value: '24h', label: '24 h', ms: 24 * HOUR },
  { value: '7d', label: '7 d', ms: 7 * 24 * HOUR },
] as const;

function backtest(api: EstateClient, yaml: string, rangeMs: number): Promise<BacktestAlertRulesAnswer> {
  const transport = createTransport({ baseUrl: '' });
  transport.csrfToken = api.csrfToken;
  const to = Date.now();
  return transport.call(AlertingRoutes.backtestAlertRules, { body: { yaml, from: to - rangeMs, to } }).then((a) => a.body);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** "How often would this have fired?": the YAML as written (not saved) run over the stored history. */
export function RuleBacktest({ yaml }: { yaml: string }) {
  const api = useApi();
  const [range, setRange] = useState<(typeof RANGES)[number]['value']>('24h');
  const run = useMutation({ mutationFn: () => backtest(api, yaml, RANGES.find((r) => r.value === range)?.ms ?? 24 * HOUR) });
  const answer = run.data;
  return (
    <Stack gap="xs" data-testid="rule-backtest">
      <Group gap="xs">
        <SegmentedControl
          size="xs"
          value={range}
          onChange={(v) => setRange(v as typeof range)}
          data={RANGES.map((r) => ({ value: r.value, label: r.label }))}
        />
        <Button variant="default" size="xs" onClick={() => run.mutate()} loading={run.isPending} data-testid="rule-backtest-run">
          Backtest
        </Button>
        {answer && (
          <Text size="xs" c="dimmed">
            {answer.evaluations} evaluations, every {duration(answer.stepSeconds)}
          </Text>
        )}
      </Group>
      <ProblemAlert error={run.error} />
      {answer && (
        <Table data-testid="rule-backtest-result">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Would have fired</Table.Th>
              <Table.Th>Alerts</Table.Th>
              <Table.Th>Time firing</Table.Th>
              <Table.Th>First episodes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {answer.rules.map((r) => (
              <Table.Tr key={r.name} data-testid={`rule-backtest-${r.name}`}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {r.name}
                  </Text>
                  {r.errors > 0 && (
                    <Text size="xs" c="red">
                      {r.errors} failed evaluations{r.lastError ? `: ${r.lastError}` : ''}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{r.firings === 1 ? '1 time' : `${r.firings} times`}</Table.Td>
                <Table.Td>{r.alerts}</Table.Td>
                <Table.Td>{duration(r.firingSeconds)}</Table.Td>
                <Table.Td>
                  {r.episodes.slice(0, 3).map((e) => (
                    <Text key={`${e.from}-${JSON.stringify(e.labels)}`} size="xs">
                      {new Date(e.from).toLocaleString()} – {e.to === null ? 'still firing' : new Date(e.to).toLocaleTimeString()}
                    </Text>
                  ))}
                  {r.episodes.length > 3 && (
                    <Text size="xs" c="dimmed">
                      and {r.firings - 3} more
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
