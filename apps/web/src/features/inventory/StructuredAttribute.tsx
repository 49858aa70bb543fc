import type { CiTypeInfo } from '@estate/contract';
import { Stack, Table, Text, Title } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatValue, labelOfKey } from './ci-labels';
import { isPlainObject, type Row, structureColumns } from './structured-attribute';

/** One cell of a structured attribute: sizes with their unit, booleans as Yes/No, lists joined. */
function cellText(column: string, value: unknown): string {
  if (typeof value === 'number' && /Gb$/.test(column)) return `${value.toLocaleString()} GB`;
  if (typeof value === 'number' && /Mbps$/.test(column)) return `${value.toLocaleString()} Mb/s`;
  return formatValue(value);
}

/** A column header: the key in words, without the unit its cells now carry ("sizeGb" → "Size"). */
function headerOf(column: string): string {
  return labelOfKey(column.replace(/(Gb|Mbps)$/, '') || column);
}

/** Props of `StructuredAttribute`. */
export interface StructuredAttributeProps {
  /** The attribute's key under `attributes` (`disks`). */
  attributeKey: string;
  label: string;
  value: unknown;
  type: CiTypeInfo | undefined;
  /** Where the value came from and when ("agent · 3 hr. ago"). */
  hint: string | null;
}

/**
 * One structured attribute of a CI under its label: a list of records as a table with a column per field (disks,
 * filesystems, listening ports), a single record as a two-column table of its fields. Scalars mixed into a list are
 * rows of their own. Nothing is shown as JSON.
 */
export function StructuredAttribute({ attributeKey, label, value, type, hint }: StructuredAttributeProps) {
  const list = Array.isArray(value) ? value : null;
  // A scalar in a list of records (an older agent's "tcp/22" among ports) becomes a row with just its name.
  const rows = list ? list.map((item): Row => (isPlainObject(item) ? item : { value: item })) : null;
  const columns: DataTableColumn<Row>[] = rows
    ? structureColumns(rows, type, attributeKey).map((column) => ({
        id: column,
        header: headerOf(column),
        cell: (row) => <Text size="sm">{cellText(column, row[column])}</Text>,
      }))
    : [];
  return (
    <Stack gap={4} data-testid={`ci-structure-${attributeKey}`}>
      <Title order={4} fz="sm">
        {label}
        {rows && (
          <Text span c="dimmed" fz="xs" ml={6}>
            {rows.length}
          </Text>
        )}
      </Title>
      {rows ? (
        <DataTable
          columns={columns}
          rows={rows}
          rowKey={(row) => String(rows.indexOf(row))}
          loading={false}
          empty="None."
          rowTestId={`ci-structure-${attributeKey}-row`}
        />
      ) : (
        <Table withTableBorder verticalSpacing={4} data-testid={`ci-structure-${attributeKey}-record`}>
          <Table.Tbody>
            {Object.entries(isPlainObject(value) ? value : { value }).map(([key, v]) => (
              <Table.Tr key={key}>
                <Table.Th w={200} fw={500}>
                  {headerOf(key)}
                </Table.Th>
                <Table.Td>{cellText(key, v)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {hint && (
        <Text size="xs" c="dimmed" data-testid="provenance-hint">
          {hint}
        </Text>
      )}
    </Stack>
  );
}
