import type { HostChange, RunStatus } from '@estate/contract';
import { Badge } from '@mantine/core';

const RUN_COLORS: Record<RunStatus, string> = { queued: 'gray', running: 'blue', succeeded: 'green', failed: 'red' };
const CHANGE_COLORS: Record<HostChange, string> = { new: 'green', changed: 'yellow', unchanged: 'gray', missing: 'red' };

/** A run's status as a coloured badge. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge color={RUN_COLORS[status]} variant="light" data-testid="run-status">
      {status}
    </Badge>
  );
}

/** How a host compares with the previous run, as a coloured badge. */
export function HostChangeBadge({ change }: { change: HostChange }) {
  return (
    <Badge color={CHANGE_COLORS[change]} variant="light">
      {change}
    </Badge>
  );
}

/** "every 2 hours", "every 15 minutes" or "on demand". */
export function scheduleLabel(intervalMinutes: number | null): string {
  if (intervalMinutes === null) return 'on demand';
  if (intervalMinutes % 1440 === 0) return intervalMinutes === 1440 ? 'daily' : `every ${intervalMinutes / 1440} days`;
  if (intervalMinutes % 60 === 0) return intervalMinutes === 60 ? 'hourly' : `every ${intervalMinutes / 60} hours`;
  return intervalMinutes === 1 ? 'every minute' : `every ${intervalMinutes} minutes`;
}
