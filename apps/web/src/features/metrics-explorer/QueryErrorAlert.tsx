import { Alert, Code, List, Text } from '@mantine/core';
import { ProblemAlert } from '../../components/ProblemAlert';
import { PromQueryError } from './prometheus-query';

/** Props of `QueryErrorAlert`. */
export interface QueryErrorAlertProps {
  error: unknown;
}

const TITLES: Record<string, string> = {
  bad_data: 'The query is not valid PromQL',
  execution: 'The query failed while it was evaluated',
  timeout: 'The query took too long',
};

/**
 * A failed query under the editor: the server's own message for a PromQL error, in monospace since it quotes the
 * expression; any other failure (signed out, no permission, server unreachable) as the app's usual problem alert.
 */
export function QueryErrorAlert({ error }: QueryErrorAlertProps) {
  if (!(error instanceof PromQueryError)) return <ProblemAlert error={error} />;
  return (
    <Alert color="red" title={TITLES[error.errorType] ?? `The query failed (${error.errorType})`} role="alert" data-testid="query-error">
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="query-error-message">
        {error.message}
      </Code>
    </Alert>
  );
}

/** Props of `QueryWarnings`. */
export interface QueryWarningsProps {
  warnings: readonly string[];
}

/** Warnings the server sent with a successful answer, e.g. about a partial result. */
export function QueryWarnings({ warnings }: QueryWarningsProps) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" title="Warnings" data-testid="query-warnings">
      <List size="sm">
        {warnings.map((warning) => (
          <List.Item key={warning}>
            <Text size="sm">{warning}</Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
