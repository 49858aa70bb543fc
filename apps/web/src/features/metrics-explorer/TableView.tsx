import { Loader, Stack } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { instantQuery } from './explore-queries';
import { QueryErrorAlert, QueryWarnings } from './QueryErrorAlert';
import { ResultTable } from './ResultTable';

/** Props of `TableView`. */
export interface TableViewProps {
  expr: string;
  /** Evaluation time in epoch milliseconds. */
  timeMs: number;
}

/** Runs `expr` as an instant query at `timeMs` and shows its result as a table, or why there is none. */
export function TableView({ expr, timeMs }: TableViewProps) {
  const api = useApi();
  // While the next answer loads, the last one stays, dimmed, instead of the table collapsing to a spinner.
  const answer = useQuery({ ...instantQuery(api, { query: expr, timeMs }), placeholderData: keepPreviousData });
  if (answer.isPending) return <Loader size="sm" aria-label="Running the query" data-testid="query-running" />;
  if (answer.isError) return <QueryErrorAlert error={answer.error} />;
  return (
    <Stack gap="sm" style={{ opacity: answer.isPlaceholderData ? 0.6 : 1 }} aria-busy={answer.isPlaceholderData}>
      <QueryWarnings warnings={answer.data.warnings} />
      <ResultTable data={answer.data.data} />
    </Stack>
  );
}
