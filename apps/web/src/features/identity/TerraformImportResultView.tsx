import type { TerraformImportResult, TerraformRelationReport, TerraformResourceReport } from '@estate/contract';
import { Badge, Group, Stack, Tabs, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { plural } from '../../components/plural';
import { CiLink } from '../inventory/CiLink';

const ACTION_COLORS: Record<string, string> = {
  create: 'teal',
  update: 'blue',
  unchanged: 'gray',
  retire: 'orange',
  exists: 'gray',
  skipped: 'red',
};

type IgnoredResource = TerraformImportResult['ignored'][number];

function ActionBadge({ action }: { action: string }) {
  return (
    <Badge size="sm" variant="light" color={ACTION_COLORS[action]}>
      {action}
    </Badge>
  );
}

/** A resource address or cloud id in small monospace; `breakAnywhere` for long opaque ids that would widen the table. */
function Identifier({ children, breakAnywhere = false }: { children: string; breakAnywhere?: boolean }) {
  return (
    <Text ff="monospace" fz="xs" style={breakAnywhere ? { wordBreak: 'break-all' } : undefined}>
      {children}
    </Text>
  );
}

const RESOURCE_COLUMNS: DataTableColumn<TerraformResourceReport>[] = [
  { id: 'action', header: 'Action', cell: (resource) => <ActionBadge action={resource.action} /> },
  { id: 'address', header: 'Address', cell: (resource) => <Identifier>{resource.address}</Identifier> },
  { id: 'name', header: 'Name', cell: (resource) => (resource.ciId ? <CiLink id={resource.ciId} name={resource.name} /> : resource.name) },
  { id: 'externalId', header: 'Cloud id', cell: (resource) => <Identifier breakAnywhere>{resource.externalId}</Identifier> },
];

const RELATION_COLUMNS: DataTableColumn<TerraformRelationReport>[] = [
  { id: 'action', header: 'Action', cell: (relation) => <ActionBadge action={relation.action} /> },
  { id: 'from', header: 'From', cell: (relation) => <Identifier>{relation.from}</Identifier> },
  { id: 'type', header: 'Relation', cell: (relation) => relation.type.replace('_', ' ') },
  { id: 'to', header: 'To', cell: (relation) => <Identifier>{relation.to}</Identifier> },
  {
    id: 'reason',
    header: 'Note',
    cell: (relation) => (
      <Text fz="xs" c="dimmed">
        {relation.reason ?? ''}
      </Text>
    ),
  },
];

const IGNORED_COLUMNS: DataTableColumn<IgnoredResource>[] = [
  { id: 'address', header: 'Address', cell: (ignored) => <Identifier>{ignored.address}</Identifier> },
  { id: 'reason', header: 'Why not', cell: (ignored) => ignored.reason },
];

/** Props of `TerraformImportResultView`. */
export interface TerraformImportResultViewProps {
  result: TerraformImportResult;
}

/** What an import did, or a dry run would do: counts, then resources, relationships and what was left out. */
export function TerraformImportResultView({ result }: TerraformImportResultViewProps) {
  const { counts } = result;
  return (
    <Stack gap="sm" data-testid="terraform-result">
      <Text size="sm">
        {result.dryRun ? 'A dry run of' : 'Imported'} state <b>{result.lineage}</b> serial {result.serial}
        {result.terraformVersion ? ` (Terraform ${result.terraformVersion})` : ''}
        {result.dryRun ? ': nothing was written.' : '.'}
      </Text>
      <Group gap="xs" data-testid="terraform-counts">
        <Badge color="teal">
          {counts.created} {result.dryRun ? 'to create' : 'created'}
        </Badge>
        <Badge color="blue">{counts.updated} updated</Badge>
        <Badge color="gray">{counts.unchanged} unchanged</Badge>
        <Badge color="orange">{counts.retired} retired</Badge>
        <Badge color="grape">{plural(counts.related, 'relationship')}</Badge>
        {counts.skipped > 0 && <Badge color="red">{counts.skipped} skipped</Badge>}
      </Group>
      <Tabs defaultValue="resources" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="resources">Resources ({result.resources.length})</Tabs.Tab>
          <Tabs.Tab value="relationships">Relationships ({result.relationships.length})</Tabs.Tab>
          <Tabs.Tab value="ignored">Not imported ({result.ignored.length})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="resources" pt="sm">
          <DataTable
            columns={RESOURCE_COLUMNS}
            rows={result.resources}
            rowKey={(resource) => resource.externalId}
            loading={false}
            compact
            empty="The state has no resources that become items."
            minWidth={640}
            testId="terraform-resources"
          />
        </Tabs.Panel>
        <Tabs.Panel value="relationships" pt="sm">
          <DataTable
            columns={RELATION_COLUMNS}
            rows={result.relationships}
            rowKey={(relation) => `${relation.type} ${relation.from} ${relation.to}`}
            loading={false}
            compact
            empty="The state implies no relationships."
            minWidth={640}
            testId="terraform-relationships"
          />
        </Tabs.Panel>
        <Tabs.Panel value="ignored" pt="sm">
          <DataTable
            columns={IGNORED_COLUMNS}
            rows={result.ignored}
            rowKey={(ignored) => ignored.address}
            loading={false}
            compact
            empty="Every managed resource was imported."
            minWidth={480}
            testId="terraform-ignored"
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
