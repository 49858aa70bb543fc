import type { AlertEpisode } from '@estate/contract';
import { Badge, Group, Tooltip } from '@mantine/core';
import { ALERT_STATE_COLORS, severityColor } from './alert-format';

/** An alert's state, severity, and whether it is acknowledged or held back (and why). */
export function AlertBadges({ alert, size = 'sm' }: { alert: AlertEpisode; size?: 'sm' | 'lg' }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={ALERT_STATE_COLORS[alert.state]} size={size} data-testid="alert-state" data-state={alert.state}>
        {alert.state}
      </Badge>
      {alert.severity !== 'none' && (
        <Badge color={severityColor(alert.severity)} variant="outline" size={size} data-testid="alert-severity">
          {alert.severity}
        </Badge>
      )}
      {alert.acknowledgedAt !== null && alert.state !== 'resolved' && (
        <Badge color="blue" variant="light" size={size} data-testid="alert-acknowledged">
          acknowledged
        </Badge>
      )}
      {alert.suppressedBy && alert.suppressedBy.kind !== 'acknowledged' && alert.state === 'firing' && (
        <Tooltip label={alert.suppressedBy.reason}>
          <Badge color="gray" variant="light" size={size} data-testid="alert-suppressed" data-kind={alert.suppressedBy.kind}>
            {alert.suppressedBy.kind === 'silence' ? 'silenced' : `muted: ${alert.suppressedBy.kind}`}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
