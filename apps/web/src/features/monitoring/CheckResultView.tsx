import type { CheckResult, ConditionVerdict } from '@estate/contract';
import { Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../components/format-time';
import { CheckStateBadge } from './CheckStateBadge';
import { conditionLines, detailRows, formatRunDuration } from './check-format';

/** Props of `CheckResultView`. */
export interface CheckResultViewProps {
  result: CheckResult;
  /** Shows when it ran (a recorded run); a test run leaves it out. */
  showTime?: boolean;
  'data-testid'?: string;
}

/** One run, in full: its status, message and duration, each condition with its verdict, and what it measured. */
export function CheckResultView({ result, showTime, 'data-testid': testId = 'check-result' }: CheckResultViewProps) {
  const rows = detailRows(result.details);
  return (
    <Stack gap="sm" data-testid={testId} data-status={result.status}>
      <Group gap="xs" wrap="wrap">
        <CheckStateBadge state={result.status} data-testid="result-status" />
        <Text size="sm" c="dimmed" data-testid="result-duration">
          {formatRunDuration(result.durationMs)}
        </Text>
        {showTime && (
          <Text size="sm" c="dimmed">
            {formatDateTime(result.at)}
          </Text>
        )}
      </Group>
      <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="result-message">
        {result.message}
      </Text>
      {result.conditions.length > 0 && <ConditionList verdicts={result.conditions} />}
      {rows.length > 0 && (
        <Table withRowBorders={false} verticalSpacing={2} fz="xs" layout="fixed" data-testid="result-details">
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key}>
                <Table.Td w="45%" c="dimmed" style={{ wordBreak: 'break-word' }}>
                  {row.key}
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{row.value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Each condition of a run with pass or fail and, when it failed, why; failed ones first. */
export function ConditionList({ verdicts, onlyFailed }: { verdicts: readonly ConditionVerdict[]; onlyFailed?: boolean }) {
  const lines = conditionLines(verdicts).filter((line) => !onlyFailed || !line.passed);
  return (
    <Stack gap={4} data-testid="result-conditions">
      {lines.map((line) => (
        <Group
          key={`${line.kind}:${line.condition}`}
          gap={6}
          wrap="nowrap"
          align="flex-start"
          data-testid="result-condition"
          data-passed={line.passed}
        >
          <Badge
            size="sm"
            variant="light"
            color={line.passed ? 'teal' : line.kind === 'warning' ? 'yellow' : 'red'}
            miw={44}
            style={{ flexShrink: 0 }}
          >
            {line.passed ? 'pass' : line.kind === 'warning' ? 'warn' : 'fail'}
          </Badge>
          <Stack gap={0} miw={0}>
            <Code style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>{line.condition}</Code>
            {line.reason && (
              <Text
                size="xs"
                c={line.kind === 'warning' ? 'yellow' : 'red'}
                style={{ wordBreak: 'break-word' }}
                data-testid="condition-reason"
              >
                {line.reason}
              </Text>
            )}
          </Stack>
        </Group>
      ))}
    </Stack>
  );
}
