import type { RunSnmpSummary, RunSummary, SnmpFailureReason } from '@estate/contract';
import { Alert, Stack, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { plural } from '../../components/plural';
import { SectionCard } from '../../components/SectionCard';

type SnmpFailureRow = RunSnmpSummary['failures'][number];

/** Each reason in words, with what it can mean. */
const REASONS: Record<SnmpFailureReason, string> = {
  'no-answer': 'No answer (no agent, a filter, or a wrong v1/v2c community)',
  authentication: 'Refused (unknown v3 user or wrong key)',
  unsupported: 'Unsupported security level or address',
  unreachable: 'Unreachable',
  error: 'Unreadable answer or error',
};

const COLUMNS: DataTableColumn<SnmpFailureRow>[] = [
  { id: 'credential', header: 'Credential', cell: (f) => f.credentialName },
  { id: 'reason', header: 'Reason', cell: (f) => REASONS[f.reason] },
  { id: 'hosts', header: 'Hosts', cell: (f) => f.hosts },
];

/** What went wrong without failing the run, as a warning above everything else of it. */
export function RunWarnings({ summary }: { summary: RunSummary | null }) {
  if (!summary?.warnings?.length) return null;
  return (
    <Alert color="yellow" title="Warnings" data-testid="run-warnings">
      <Stack gap={4}>
        {summary.warnings.map((w) => (
          <Text key={w} size="sm">
            {w}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

/** How SNMP went in a run: hosts asked and answered, and each credential's failures by reason. */
export function RunSnmpCard({ snmp }: { snmp: RunSnmpSummary | undefined }) {
  if (!snmp) return null;
  return (
    <SectionCard
      title="SNMP"
      description={`${snmp.answered} of ${plural(snmp.asked, 'host')} asked answered${snmp.allFailed ? ' — every attempt failed' : ''}.`}
      data-testid="run-snmp"
    >
      <DataTable
        columns={COLUMNS}
        rows={snmp.failures}
        rowKey={(f) => `${f.credentialId} ${f.reason}`}
        loading={false}
        empty="No credential failed."
        compact
        testId="snmp-failures-table"
        rowTestId="snmp-failure-row"
      />
    </SectionCard>
  );
}
