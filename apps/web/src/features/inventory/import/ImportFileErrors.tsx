import type { ImportRun } from '@estate/contract';
import { List } from '@mantine/core';

/** Problems with a job's whole file (encoding, quoting, unknown columns), as a list; nothing when there are none. */
export function ImportFileErrors({ job }: { job: ImportRun }) {
  if (job.fileErrors.length === 0) return null;
  return (
    <List size="sm" mt="xs" data-testid="import-file-errors">
      {job.fileErrors.map((error) => (
        <List.Item key={`${error.field}:${error.message}`}>{error.field ? `${error.field}: ${error.message}` : error.message}</List.Item>
      ))}
    </List>
  );
}
