import { ApiError } from '@estate/client';
import { Alert, List, Text } from '@mantine/core';
import { plural } from './plural';

/** Props of `ProblemAlert`. */
export interface ProblemAlertProps {
  /** The error to show; nothing is rendered for null or undefined. */
  error: unknown;
  /** Field errors already shown next to their inputs, left out of the list here. */
  shownFields?: readonly string[];
}

/**
 * Shows a failed request to the user: the problem's title and detail, its per-field errors not shown elsewhere,
 * and when to retry after a 429; nothing when all of its field errors are shown next to their inputs. Errors that
 * are not problem answers (network down) show their message.
 */
export function ProblemAlert({ error, shownFields = [] }: ProblemAlertProps) {
  if (error === null || error === undefined) return null;
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return (
      <Alert color="red" title="Request failed" role="alert" data-testid="problem-alert">
        {message === 'Failed to fetch' ? 'The server could not be reached. Check your connection and try again.' : message}
      </Alert>
    );
  }
  const fieldErrors = error.fieldErrors();
  const listed = Object.entries(fieldErrors).filter(([field]) => !shownFields.includes(field));
  // When every complaint already sits next to its input, a general alert above the button only repeats it.
  if (error.errors.length > 0 && listed.length === 0 && error.retryAfterSeconds === null) return null;
  return (
    <Alert color={error.status >= 500 ? 'red' : 'orange'} title={error.title} role="alert" data-testid="problem-alert">
      {error.detail && <Text size="sm">{error.detail}</Text>}
      {listed.length > 0 && (
        <List size="sm" mt={error.detail ? 'xs' : 0}>
          {listed.map(([field, message]) => (
            <List.Item key={field}>{field ? `${field}: ${message}` : message}</List.Item>
          ))}
        </List>
      )}
      {error.retryAfterSeconds !== null && (
        <Text size="sm" mt="xs">
          Try again in {plural(error.retryAfterSeconds, 'second')}.
        </Text>
      )}
    </Alert>
  );
}
