import type { CheckResult, CheckStateChange } from '@estate/contract';
import { Stack, Text, Timeline } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatPreciseDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import type { PagedList } from '../../components/paged-query';
import { CheckResultView, ConditionList } from './CheckResultView';
import { CheckStateBadge } from './CheckStateBadge';
import { formatRunDuration, STATE_COLORS } from './check-format';

/** A check's state changes, newest first, with when and why. */
export function StateTimeline({ history }: { history: PagedList<CheckStateChange, unknown> }) {
  if (!history.isPending && history.items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No state changes yet.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <Timeline bulletSize={14} lineWidth={2} data-testid="check-history">
        {history.items.map((change) => (
          <Timeline.Item
            key={`${change.at}-${change.state}`}
            color={STATE_COLORS[change.state]}
            data-testid="check-history-entry"
            title={
              <Text size="sm" component="div">
                <CheckStateBadge state={change.state} size="sm" data-testid="history-state" />{' '}
                <Text span size="xs" c="dimmed">
                  {change.previous ? `from ${change.previous} · ` : ''}
                  {formatPreciseDateTime(change.at)}
                </Text>
              </Text>
            }
          >
            <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
              {change.message}
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
      <LoadMoreButton list={history} />
    </Stack>
  );
}

const RESULT_COLUMNS: DataTableColumn<CheckResult>[] = [
  {
    id: 'at',
    header: 'Ran',
    width: 190,
    cell: (result) => (
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {formatPreciseDateTime(result.at)}
      </Text>
    ),
  },
  {
    id: 'status',
    header: 'Result',
    width: 100,
    cell: (result) => <CheckStateBadge state={result.status} data-testid="result-row-status" />,
  },
  { id: 'duration', header: 'Took', width: 80, cell: (result) => formatRunDuration(result.durationMs) },
  {
    id: 'message',
    header: 'Message',
    cell: (result) => (
      <Stack gap={4}>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {result.message}
        </Text>
        {result.conditions.some((c) => !c.passed) && <ConditionList verdicts={result.conditions} onlyFailed />}
      </Stack>
    ),
  },
];

/** A check's last results, newest first: status, duration, message and failed conditions; a row unfolds to the rest. */
export function ResultsTable({ results, loading }: { results: readonly CheckResult[]; loading: boolean }) {
  return (
    <DataTable
      columns={RESULT_COLUMNS}
      rows={results}
      rowKey={(result) => String(result.at)}
      loading={loading}
      empty="Not run yet."
      compact
      minWidth={680}
      renderExpanded={(result) => <CheckResultView result={result} showTime data-testid="result-detail" />}
      rowLabel={(result) => formatPreciseDateTime(result.at)}
      testId="results-table"
      rowTestId="result-row"
    />
  );
}
