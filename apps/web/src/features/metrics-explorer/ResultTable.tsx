import { Alert, Code, Stack, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatPreciseDateTime } from '../../components/format-time';
import { plural } from '../../components/plural';
import type { QueryResult } from './prometheus-query';
import { type ResultRow, resultRows, TABLE_ROW_LIMIT } from './result-rows';

/** Props of `ResultTable`. */
export interface ResultTableProps {
  data: QueryResult;
}

const KIND_LABEL: Record<QueryResult['resultType'], string> = {
  vector: 'Instant vector',
  matrix: 'Range vector',
  scalar: 'Scalar',
  string: 'String',
};

const COLUMNS: DataTableColumn<ResultRow>[] = [
  {
    id: 'series',
    header: 'Series',
    cell: (row) =>
      row.series === null ? (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ) : (
        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }} data-testid="result-series">
          {row.series}
        </Text>
      ),
  },
  {
    id: 'value',
    header: 'Value',
    cell: (row) => (
      <Stack gap={0} style={{ whiteSpace: 'nowrap' }}>
        {row.omittedSamples > 0 && (
          <Text size="xs" c="dimmed">
            {plural(row.omittedSamples, 'earlier sample')} not shown
          </Text>
        )}
        {row.samples.map(([seconds, value]) => (
          <Text key={seconds} size="sm" ff="monospace" data-testid="result-value" title={formatPreciseDateTime(seconds * 1000)}>
            {value}
            {row.samples.length > 1 || row.omittedSamples > 0 ? (
              <Text span size="xs" c="dimmed">
                {' '}
                @{seconds}
              </Text>
            ) : null}
          </Text>
        ))}
      </Stack>
    ),
  },
];

/** An instant query's result as a table: one row per series with its value, or the one scalar or string. */
export function ResultTable({ data }: ResultTableProps) {
  const { kind, rows, total } = resultRows(data);
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" data-testid="result-summary">
        {KIND_LABEL[kind]}
        {kind === 'vector' || kind === 'matrix' ? `, ${total.toLocaleString()} series` : ''}
      </Text>
      {total > TABLE_ROW_LIMIT && (
        <Alert color="yellow" variant="light" data-testid="result-truncated">
          The result has {total.toLocaleString()} series; the first {TABLE_ROW_LIMIT.toLocaleString()} are shown. Narrow the query with
          label matchers or an aggregation such as <Code>topk(10, …)</Code>.
        </Alert>
      )}
      <DataTable
        columns={COLUMNS}
        rows={rows}
        rowKey={(row) => row.key}
        loading={false}
        empty="The query returned no series: nothing matched at this time."
        compact
        testId="result-table"
        rowTestId="result-row"
      />
    </Stack>
  );
}
