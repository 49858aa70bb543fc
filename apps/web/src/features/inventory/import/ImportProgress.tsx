import type { ImportRun } from '@estate/contract';
import { Group, Progress, Stack, Text } from '@mantine/core';

/** Progress of a queued or running import: a bar of processed rows. */
export function ImportProgress({ job, label }: { job: ImportRun | undefined; label: string }) {
  const total = job?.progress.total ?? 0;
  const processed = job?.progress.processed ?? 0;
  const share = total > 0 ? Math.min(100, Math.round((processed / total) * 100)) : 0;
  const waiting = !job || job.status === 'queued';
  return (
    <Stack gap={4} data-testid="import-progress" aria-live="polite">
      <Group justify="space-between" gap="xs">
        <Text size="sm">{label}</Text>
        <Text size="sm" c="dimmed">
          {waiting ? 'Queued…' : total > 0 ? `${processed} of ${total} rows (${share}%)` : 'Reading the file…'}
        </Text>
      </Group>
      <Progress
        value={waiting || total === 0 ? 100 : share}
        animated={waiting || total === 0 || share < 100}
        striped={waiting || total === 0}
        aria-label={label}
      />
    </Stack>
  );
}
