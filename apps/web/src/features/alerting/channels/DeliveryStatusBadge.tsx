import type { AttemptOutcome, DeliveryStatus } from '@estate/contract';
import { Badge } from '@mantine/core';

const COLORS: Record<DeliveryStatus | AttemptOutcome, string> = {
  queued: 'gray',
  retrying: 'yellow',
  retry: 'yellow',
  sending: 'blue',
  delivered: 'teal',
  failed: 'red',
  unknown: 'orange',
};

/** A delivery's status, or an attempt's outcome, as a coloured badge. */
export function DeliveryStatusBadge({
  status,
  'data-testid': testId = 'delivery-status',
}: {
  status: DeliveryStatus | AttemptOutcome;
  'data-testid'?: string;
}) {
  return (
    <Badge variant="light" color={COLORS[status]} data-status={status} data-testid={testId}>
      {status}
    </Badge>
  );
}
