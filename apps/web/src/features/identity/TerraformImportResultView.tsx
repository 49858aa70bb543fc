import type { TerraformImportResult } from '@estate/contract';
import { Badge, Group, Stack, Table, Tabs, Text } from '@mantine/core';
import { CiLink } from '../inventory/CiLink';

const ACTION_COLORS: Record<string, string> = {
  create: 'teal',
  update: 'blue',
  unchanged: 'gray',
  retire: 'orange',
  exists: 'gray',
  skipped: 'red',
};

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
        <Badge color="grape">{counts.related} relationships</Badge>
        {counts.skipped > 0 && <Badge color="red">{counts.skipped} skipped</Badge>}
      </Group>
      <Tabs defaultValue="resources" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="resources">Resources ({result.resources.length})</Tabs.Tab>
          <Tabs.Tab value="relationships">Relationships ({result.relationships.length})</Tabs.Tab>
          <Tabs.Tab value="ignored">Not imported ({result.ignored.length})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="resources" pt="sm">
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing={4} data-testid="terraform-resources">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Cloud id</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.resources.map((r) => (
                  <Table.Tr key={r.externalId}>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={ACTION_COLORS[r.action]}>
                        {r.action}
                      </Badge>
                    </Table.Td>
                    <Table.Td ff="monospace" fz="xs">
                      {r.address}
                    </Table.Td>
                    <Table.Td>{r.ciId ? <CiLink id={r.ciId} name={r.name} /> : r.name}</Table.Td>
                    <Table.Td ff="monospace" fz="xs" style={{ wordBreak: 'break-all' }}>
                      {r.externalId}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="relationships" pt="sm">
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing={4} data-testid="terraform-relationships">
              <Table.Tbody>
                {result.relationships.map((r) => (
                  <Table.Tr key={`${r.type} ${r.from} ${r.to}`}>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={ACTION_COLORS[r.action]}>
                        {r.action}
                      </Badge>
                    </Table.Td>
                    <Table.Td ff="monospace" fz="xs">
                      {r.from}
                    </Table.Td>
                    <Table.Td>{r.type.replace('_', ' ')}</Table.Td>
                    <Table.Td ff="monospace" fz="xs">
                      {r.to}
                    </Table.Td>
                    <Table.Td fz="xs">{r.reason ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Tabs.Panel>
        <Tabs.Panel value="ignored" pt="sm">
          <Stack gap={2}>
            {result.ignored.map((i) => (
              <Text key={i.address} size="xs">
                <Text span ff="monospace" fz="xs">
                  {i.address}
                </Text>{' '}
                — {i.reason}
              </Text>
            ))}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
