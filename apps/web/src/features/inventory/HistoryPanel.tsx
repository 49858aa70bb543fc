import type { CiHistoryEntry, CiTypeInfo } from '@estate/contract';
import { Badge, Button, Group, Paper, Stack, Text, TextInput, Timeline } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { formatPreciseDateTime, localInputToEpochMs } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { humanize } from './ci-labels';
import { HistoryChange } from './HistoryChange';
import { type DiffRange, HistoryDiff } from './HistoryDiff';
import { ciHistoryQuery } from './inventory-queries';

/** Props of `HistoryPanel`. */
export interface HistoryPanelProps {
  ciId: string;
  /** The CI's type, whose schema labels the fields; raw keys in words until it has loaded. */
  type: CiTypeInfo | undefined;
  /** Shows the CI as it was at this time (epoch ms). */
  onViewAsOf: (at: number) => void;
}

const KIND_COLORS: Record<CiHistoryEntry['kind'], string> = {
  created: 'teal',
  updated: 'blue',
  deleted: 'red',
  related: 'grape',
  unrelated: 'gray',
  conflict: 'orange',
  software: 'cyan',
  merged: 'violet',
  vanished: 'gray',
};

/**
 * The CI's history, newest first: who changed which field from what to what, from which source; "view as of"; and a
 * comparison of the CI at two points in time (typed in, or two entries picked with "Compare from" / "to").
 */
export function HistoryPanel({ ciId, type, onViewAsOf }: HistoryPanelProps) {
  const api = useApi();
  const history = usePagedQuery(ciHistoryQuery(api, ciId));
  const entries = history.items;
  const [asOfInput, setAsOfInput] = useState('');
  const asOf = localInputToEpochMs(asOfInput);
  const [range, setRange] = useState<DiffRange>({});

  return (
    <Stack gap="md">
      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm">
          <TextInput
            label="View as of"
            type="datetime-local"
            value={asOfInput}
            onChange={(event) => setAsOfInput(event.currentTarget.value)}
            data-testid="as-of-input"
          />
          <Button
            variant="default"
            disabled={asOf === undefined}
            onClick={() => asOf !== undefined && onViewAsOf(asOf)}
            data-testid="as-of-apply"
          >
            Show
          </Button>
        </Group>
      </Paper>
      <HistoryDiff ciId={ciId} type={type} range={range} onChange={setRange} />
      <ProblemAlert error={history.error} />
      {!history.isPending && entries.length === 0 && (
        <Text c="dimmed" size="sm">
          No history recorded.
        </Text>
      )}
      <Timeline bulletSize={14} lineWidth={2} data-testid="history">
        {entries.map((entry) => (
          <Timeline.Item
            key={entry.id}
            color={KIND_COLORS[entry.kind]}
            data-testid="history-entry"
            title={
              <Group gap={6} wrap="wrap">
                <Badge size="sm" variant="light" color={KIND_COLORS[entry.kind]}>
                  {humanize(entry.kind)}
                </Badge>
                <Text size="sm" fw={500}>
                  {entry.actorLabel ?? entry.actorId ?? entry.actorType}
                </Text>
                <Text size="xs" c="dimmed">
                  via {entry.source} · {formatPreciseDateTime(entry.at)}
                </Text>
              </Group>
            }
          >
            <Stack gap={2} mt={4}>
              {entry.changes.map((change) => (
                <HistoryChange key={change.field} change={change} type={type} />
              ))}
              <Group gap={4}>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  w="fit-content"
                  onClick={() => onViewAsOf(entry.at)}
                  data-testid="history-view-as-of"
                >
                  View as of this change
                </Button>
                <Button
                  size="compact-xs"
                  variant={range.from === entry.at ? 'light' : 'subtle'}
                  onClick={() => setRange({ ...range, from: entry.at })}
                  data-testid="history-diff-from"
                >
                  Compare from here
                </Button>
                <Button
                  size="compact-xs"
                  variant={range.to === entry.at ? 'light' : 'subtle'}
                  onClick={() => setRange({ ...range, to: entry.at })}
                  data-testid="history-diff-to"
                >
                  Compare to here
                </Button>
              </Group>
            </Stack>
          </Timeline.Item>
        ))}
      </Timeline>
      <LoadMoreButton list={history} />
    </Stack>
  );
}
