import { Loader, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
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
  const answer = useQuery(instantQuery(api, { query: expr, timeMs }));
  if (answer.isPending) return <Loader size="sm" aria-label="Running the query" data-testid="query-running" />;
  if (answer.isError) return <QueryErrorAlert error={answer.error} />;
  return (
    <Stack gap="sm">
      <QueryWarnings warnings={answer.data.warnings} />
      <ResultTable data={answer.data.data} />
    </Stack>
  );
}
