import type { EstateClient } from '@estate/client';
import type { CiDiff, CiTypeInfo } from '@estate/contract';
import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { formatPreciseDateTime, localInputToEpochMs } from '../../components/format-time';
import { ProblemAlert } from '../../components/ProblemAlert';
import { historyFieldLabel, historyValue } from './history-format';
import { INVENTORY_QUERY_KEY } from './inventory-queries';

/** Two points in a CI's history to compare (epoch ms); `to` undefined means now. */
export interface DiffRange {
  from?: number;
  to?: number;
}

/** Props of `HistoryDiff`. */
export interface HistoryDiffProps {
  ciId: string;
  /** The CI's type, whose schema labels the fields. */
  type: CiTypeInfo | undefined;
  range: DiffRange;
  onChange: (range: DiffRange) => void;
}

/** The field-level differences of a CI between two times; `to` undefined asks for "now". */
export function ciDiffQuery(api: EstateClient, ciId: string, from: number, to: number | undefined) {
  return queryOptions({
    queryKey: [...INVENTORY_QUERY_KEY, 'diff', ciId, from, to ?? 'now'] as const,
    queryFn: () => api.diffCi(ciId, from, to),
  });
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms as the value of an `<input type="datetime-local" step="1">` (local time, to the second). */
function toLocalInput(epochMs: number | undefined): string {
  if (epochMs === undefined) return '';
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * Compares the CI at two points in time: typed in, or picked from history entries ("Compare from" / "to"). Shows each
 * field that differs with its value at either time, as the server's diff computes it from the history.
 */
export function HistoryDiff({ ciId, type, range, onChange }: HistoryDiffProps) {
  const api = useApi();
  const { from, to } = range;
  const backwards = from !== undefined && to !== undefined && to < from;
  const diff = useQuery({ ...ciDiffQuery(api, ciId, from ?? 0, to), enabled: from !== undefined && !backwards });

  // An input shows whole seconds; keep a picked entry's exact time until the person edits the field.
  const edit = (key: keyof DiffRange) => (value: string) => {
    const ms = localInputToEpochMs(value);
    onChange({ ...range, [key]: ms });
  };

  return (
    <Paper withBorder p="sm" data-testid="history-diff">
      <Stack gap="sm">
        <Title order={4} size="h5">
          Compare two points in time
        </Title>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="From"
            type="datetime-local"
            step={1}
            value={toLocalInput(from)}
            onChange={(event) => edit('from')(event.currentTarget.value)}
            data-testid="diff-from"
          />
          <TextInput
            label="To"
            type="datetime-local"
            step={1}
            value={toLocalInput(to)}
            onChange={(event) => edit('to')(event.currentTarget.value)}
            error={backwards ? 'Must not be before From' : undefined}
            data-testid="diff-to"
          />
          {(from !== undefined || to !== undefined) && (
            <Button variant="subtle" onClick={() => onChange({})} data-testid="diff-clear">
              Clear
            </Button>
          )}
        </Group>
        {from === undefined ? (
          <Text size="sm" c="dimmed">
            Pick a start time (and an end time, or leave To empty for now), or use “Compare from here” and “Compare to here” on two history
            entries below.
          </Text>
        ) : (
          <>
            <ProblemAlert error={diff.error} />
            {diff.data && <DiffTable diff={diff.data} type={type} toIsNow={to === undefined} />}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function DiffTable({ diff, type, toIsNow }: { diff: CiDiff; type: CiTypeInfo | undefined; toIsNow: boolean }) {
  const toLabel = toIsNow ? 'Now' : formatPreciseDateTime(diff.to);
  return (
    <Stack gap="xs" data-testid="diff-result" data-count={diff.changes.length}>
      {!diff.existedAtFrom && (
        <Alert color="blue" variant="light" p="xs">
          The item did not exist yet at {formatPreciseDateTime(diff.from)}; every value it had later counts as a change.
        </Alert>
      )}
      {!diff.existedAtTo && (
        <Alert color="orange" variant="light" p="xs">
          The item no longer existed at {toLabel}.
        </Alert>
      )}
      {diff.changes.length === 0 ? (
        <Text size="sm" c="dimmed">
          No field differs between {formatPreciseDateTime(diff.from)} and {toLabel}.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table striped verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>From · {formatPreciseDateTime(diff.from)}</Table.Th>
                <Table.Th>To · {toLabel}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {diff.changes.map((change) => (
                <Table.Tr key={change.field} data-testid="diff-change" data-field={change.field}>
                  <Table.Td>
                    <Text size="sm" fw={500} title={change.field}>
                      {historyFieldLabel(change.field, type)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>
                    <Text size="sm" c="dimmed">
                      {historyValue(change.field, change.from, type)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>
                    <Text size="sm" fw={500}>
                      {historyValue(change.field, change.to, type)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
