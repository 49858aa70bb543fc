import type { CheckRunStatus, CheckState } from '@estate/contract';
import { Badge, type BadgeProps } from '@mantine/core';
import { STATE_COLORS } from './check-format';

/** Props of `CheckStateBadge`. */
export interface CheckStateBadgeProps extends Omit<BadgeProps, 'color' | 'children'> {
  state: CheckState | CheckRunStatus;
  /** A disabled check shows "disabled" in gray whatever its last state. */
  disabled?: boolean;
  'data-testid'?: string;
}

/** A check's state (or one run's status) as a coloured badge: up teal, degraded yellow, down red, unknown gray. */
export function CheckStateBadge({ state, disabled, 'data-testid': testId = 'check-state', ...props }: CheckStateBadgeProps) {
  return (
    <Badge
      variant={disabled ? 'outline' : 'light'}
      color={disabled ? 'gray' : STATE_COLORS[state]}
      data-state={disabled ? 'disabled' : state}
      data-testid={testId}
      {...props}
    >
      {disabled ? 'disabled' : state}
    </Badge>
  );
}
