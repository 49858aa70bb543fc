import type { CheckSummary } from '@estate/contract';
import { Group, Paper, Text, UnstyledButton } from '@mantine/core';
import { STATE_COLORS } from './check-format';
import type { SummaryFilter } from './check-list-state';

const ITEMS: readonly { key: SummaryFilter; label: string; color: string }[] = [
  { key: 'up', label: 'Up', color: STATE_COLORS.up },
  { key: 'degraded', label: 'Degraded', color: STATE_COLORS.degraded },
  { key: 'down', label: 'Down', color: STATE_COLORS.down },
  { key: 'unknown', label: 'Unknown', color: STATE_COLORS.unknown },
  { key: 'disabled', label: 'Disabled', color: 'gray' },
];

/** Props of `CheckSummaryBar`. */
export interface CheckSummaryBarProps {
  summary: CheckSummary | undefined;
  /** The filter the list has now, highlighted; null for none. */
  active: SummaryFilter | null;
  /** Called with the count clicked, or null when the active one is clicked again. */
  onSelect: (filter: SummaryFilter | null) => void;
}

/** How many checks are up, degraded, down, unknown and disabled; each count filters the list when clicked. */
export function CheckSummaryBar({ summary, active, onSelect }: CheckSummaryBarProps) {
  return (
    <Group gap="xs" mb="sm" wrap="wrap" data-testid="check-summary">
      {ITEMS.map((item) => {
        const selected = active === item.key;
        return (
          <UnstyledButton
            key={item.key}
            onClick={() => onSelect(selected ? null : item.key)}
            aria-pressed={selected}
            data-testid={`summary-${item.key}`}
            style={{ flex: '1 1 100px', maxWidth: 180 }}
          >
            <Paper
              withBorder
              px="sm"
              py={6}
              radius="md"
              style={{
                borderColor: selected ? `var(--mantine-color-${item.color}-filled)` : undefined,
                borderLeft: `4px solid var(--mantine-color-${item.color}-filled)`,
                background: selected ? `var(--mantine-color-${item.color}-light)` : undefined,
              }}
            >
              <Text size="xs" c="dimmed">
                {item.label}
              </Text>
              <Text fw={700} size="lg" data-testid="summary-count">
                {summary ? summary[item.key] : '–'}
              </Text>
            </Paper>
          </UnstyledButton>
        );
      })}
    </Group>
  );
}
