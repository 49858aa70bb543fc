import type { ImportRun } from '@estate/contract';
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { ImportFileErrors } from './ImportFileErrors';
import { ImportProgress } from './ImportProgress';
import { ImportCounts, ImportLocations, ImportResults } from './ImportResults';
import type { ImportKind } from './ImportSourceStep';

/** Props of `ImportRunStep`. */
export interface ImportRunStepProps {
  kind: ImportKind;
  /** The finished dry run the import repeats for real. */
  dryRun: ImportRun;
  /** The real import's job, once started. */
  jobId: string | null;
  job: ImportRun | undefined;
  jobError: unknown;
  startError: unknown;
  starting: boolean;
  onStart: () => void;
  onStartOver: () => void;
}

/** Step 4 of the import: run it for real once the dry run found no errors, follow it, and sum up what it did. */
export function ImportRunStep({ kind, dryRun, jobId, job, jobError, startError, starting, onStart, onStartOver }: ImportRunStepProps) {
  const dryRunOk = dryRun.status === 'succeeded' && dryRun.counts.errors === 0;
  const done = job?.status === 'succeeded' || job?.status === 'failed';
  return (
    <SectionCard
      title="4. Import"
      description={
        kind === 'relationships'
          ? 'Creates the relationships as the dry run showed.'
          : 'Creates and updates the items as the dry run showed.'
      }
    >
      {!jobId && (
        <Group>
          <Button color="teal" onClick={onStart} loading={starting} disabled={!dryRunOk} data-testid="import-run">
            {importLabel(dryRun.counts.created + dryRun.counts.updated, kind)}
          </Button>
          {!dryRunOk && (
            <Text size="sm" c="dimmed">
              Fix the rows with errors in the file (or the mapping) and dry run again.
            </Text>
          )}
        </Group>
      )}
      <ProblemAlert error={startError} />
      {jobId && <ProblemAlert error={jobError} />}
      {jobId && !done && !jobError && <ImportProgress job={job} label="Importing" />}
      {job && done && <ImportSummary job={job} onStartOver={onStartOver} />}
    </SectionCard>
  );
}

/** What a finished import did, or why it failed, with the rows that failed and the ways on. */
function ImportSummary({ job, onStartOver }: { job: ImportRun; onStartOver: () => void }) {
  return (
    <Stack gap="sm" data-testid="import-summary" data-status={job.status}>
      {job.status === 'succeeded' ? (
        <Alert color="teal" title="Import finished">
          {job.counts.created} created, {job.kind === 'relationships' ? '' : `${job.counts.updated} updated, `}
          {job.counts.unchanged} unchanged
          {job.counts.errors > 0 ? `, ${job.counts.errors} rows failed` : ''}.
        </Alert>
      ) : (
        <Alert color="red" title="Import failed">
          {job.failure ?? 'The server stopped the import.'}
          {job.appliedRows > 0 && ` ${job.appliedRows} rows were written before it stopped.`}
          <ImportFileErrors job={job} />
        </Alert>
      )}
      <ImportCounts job={job} dryRun={false} />
      <ImportLocations job={job} dryRun={false} />
      {job.counts.errors > 0 && <ImportResults job={job} />}
      <Group>
        <Anchor component={Link} to="/inventory" data-testid="import-open-inventory">
          Open the inventory
        </Anchor>
        <Button variant="default" onClick={onStartOver} data-testid="import-again">
          Import another file
        </Button>
      </Group>
    </Stack>
  );
}

function importLabel(changes: number, kind: ImportKind): string {
  if (changes === 0) return 'Import (nothing to change)';
  const noun = kind === 'relationships' ? 'relationship' : 'item';
  return changes === 1 ? `Import 1 ${noun}` : `Import ${changes} ${noun}s`;
}
