import { TERRAFORM_MAX_CONTENT, type TerraformImportResult, type TerraformImportSummary } from '@estate/contract';
import { Badge, Button, FileInput, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { INVENTORY_QUERY_KEY } from '../inventory/inventory-queries';
import { IDENTITY_QUERY_KEY, terraformImportsQuery } from './identity-queries';
import { TerraformImportResultView } from './TerraformImportResultView';

/** Import Terraform state files as cloud-resource CIs: preview with a dry run, import, and the history of imports. */
export function TerraformImportPage() {
  const me = useMe();
  if (!can(me, 'discovery:read')) return <NoPermission permission="discovery:read" />;
  return (
    <Stack gap="md">
      <PageHeader
        title="Terraform import"
        description="Cloud resources from a Terraform state file (format 4): instances, networks, volumes, load balancers and their relationships."
      />
      {can(me, 'discovery:write') && <ImportCard />}
      <HistoryCard />
    </Stack>
  );
}

function ImportCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [content, setContent] = useState<string | null>(null);
  const [result, setResult] = useState<TerraformImportResult | null>(null);
  const [busy, setBusy] = useState<'dry' | 'real' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setResult(null);
    setError(null);
    setContent(null);
    if (!chosen) return;
    if (chosen.size > TERRAFORM_MAX_CONTENT) {
      setError(new Error(`The file is larger than ${TERRAFORM_MAX_CONTENT / 1024 / 1024} MB.`));
      return;
    }
    setContent(await chosen.text());
  };
  const run = async (dryRun: boolean) => {
    if (content === null) return;
    setBusy(dryRun ? 'dry' : 'real');
    setError(null);
    try {
      const answer = await api.importTerraformState({ content, dryRun });
      setResult(answer);
      if (!dryRun) {
        notifications.show({ color: 'teal', title: 'Imported', message: `State serial ${answer.serial} was imported.` });
        await queryClient.invalidateQueries({ queryKey: IDENTITY_QUERY_KEY });
        await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
      }
    } catch (failure) {
      setResult(null);
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <SectionCard
      title="Import a state"
      description="Re-importing the same state changes nothing; resources missing from a newer serial have their CIs retired."
    >
      <FileInput
        label="State file"
        placeholder="terraform.tfstate"
        accept=".tfstate,.json,application/json"
        value={file}
        onChange={(chosen) => void choose(chosen)}
        clearable
        maw={420}
        data-testid="terraform-file"
      />
      <Group gap="xs">
        <Button
          variant="default"
          disabled={content === null}
          loading={busy === 'dry'}
          onClick={() => void run(true)}
          data-testid="terraform-dry-run"
        >
          Preview (dry run)
        </Button>
        <Button
          disabled={content === null || busy === 'dry'}
          loading={busy === 'real'}
          onClick={() => void run(false)}
          data-testid="terraform-import"
        >
          Import
        </Button>
      </Group>
      <ProblemAlert error={error} />
      {result && <TerraformImportResultView result={result} />}
    </SectionCard>
  );
}

const HISTORY_COLUMNS: DataTableColumn<TerraformImportSummary>[] = [
  { id: 'createdAt', header: 'When', cell: (entry) => formatDateTime(entry.createdAt) },
  {
    id: 'lineage',
    header: 'Lineage',
    cell: (entry) => (
      <Text ff="monospace" fz="xs">
        {entry.lineage}
      </Text>
    ),
  },
  { id: 'serial', header: 'Serial', cell: (entry) => entry.serial },
  {
    id: 'changes',
    header: 'Changes',
    cell: (entry) => (
      <Group gap={4}>
        <Badge size="sm" color="teal" variant="light">
          +{entry.counts.created}
        </Badge>
        <Badge size="sm" color="blue" variant="light">
          ~{entry.counts.updated}
        </Badge>
        <Badge size="sm" color="orange" variant="light">
          retired {entry.counts.retired}
        </Badge>
        <Badge size="sm" color="grape" variant="light">
          related {entry.counts.related}
        </Badge>
      </Group>
    ),
  },
];

function HistoryCard() {
  const api = useApi();
  const list = usePagedQuery(terraformImportsQuery(api));
  return (
    <SectionCard title="Imports" description="Every import, newest first.">
      <ProblemAlert error={list.error} />
      <DataTable
        columns={HISTORY_COLUMNS}
        rows={list.items}
        rowKey={(entry) => entry.id}
        loading={list.isPending}
        empty="No state was imported yet."
        list={list}
        compact
        minWidth={600}
        testId="terraform-history"
        rowTestId="terraform-history-row"
      />
    </SectionCard>
  );
}
