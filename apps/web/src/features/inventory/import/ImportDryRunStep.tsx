import type { ImportRun } from '@estate/contract';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { ImportFileErrors } from './ImportFileErrors';
import { ImportProgress } from './ImportProgress';
import { ImportCounts, ImportLocations, ImportResults } from './ImportResults';

/** Props of `ImportDryRunStep`. */
export interface ImportDryRunStepProps {
  /** The dry run's job, once started. */
  jobId: string | null;
  job: ImportRun | undefined;
  /** The error of reading the job, or of starting it. */
  jobError: unknown;
  startError: unknown;
  starting: boolean;
  /** Whether the button is off: the import is locked, nothing is mapped, or a dry run is going. */
  disabled: boolean;
  nothingMapped: boolean;
  onStart: () => void;
}

/** Step 3 of the import: run the dry run, follow it, and show what the import would do row by row. */
export function ImportDryRunStep({ jobId, job, jobError, startError, starting, disabled, nothingMapped, onStart }: ImportDryRunStepProps) {
  const done = job?.status === 'succeeded' || job?.status === 'failed';
  return (
    <SectionCard title="3. Dry run" description="Checks every row and shows what the import would do, without changing anything.">
      <Group>
        <Button onClick={onStart} loading={starting} disabled={disabled} data-testid="import-dry-run">
          {jobId ? 'Dry run again' : 'Dry run'}
        </Button>
        {nothingMapped && (
          <Text size="sm" c="dimmed">
            Map at least one column first.
          </Text>
        )}
      </Group>
      <ProblemAlert error={startError} />
      {jobId && <ProblemAlert error={jobError} />}
      {jobId && !done && !jobError && <ImportProgress job={job} label="Checking rows" />}
      {job && done && <DryRunOutcome job={job} />}
    </SectionCard>
  );
}

/** A finished dry run: failed with the server's message, or its counts and rows. */
function DryRunOutcome({ job }: { job: ImportRun }) {
  if (job.status === 'failed')
    return (
      <Alert color="red" title="The dry run failed" data-testid="import-failed">
        {job.failure ?? 'The server could not check the file.'}
        <ImportFileErrors job={job} />
      </Alert>
    );
  return (
    <Stack gap="sm">
      <ImportCounts job={job} dryRun />
      <ImportLocations job={job} dryRun />
      {job.counts.errors > 0 ? (
        <Text size="sm" c="red">
          {job.counts.errors === 1 ? '1 row has' : `${job.counts.errors} rows have`} errors; nothing can be imported until they are fixed.
        </Text>
      ) : (
        <Text size="sm" c="teal">
          Every row can be imported.
        </Text>
      )}
      <ImportResults key={job.id} job={job} />
    </Stack>
  );
}
