import type { CiTypeInfo } from '@estate/contract';
import { Code, Stack, Text, Title } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatValue, labelOfKey } from './ci-labels';
import { isPlainObject, type Row, structureColumns } from './structured-attribute';

function cellText(value: unknown): string {
  if (typeof value === 'number') return value.toLocaleString();
  return formatValue(value);
}

/** Props of `StructuredAttribute`. */
export interface StructuredAttributeProps {
  /** The attribute's key under `attributes` (`interfaces`). */
  attributeKey: string;
  label: string;
  value: unknown;
  type: CiTypeInfo | undefined;
  /** Where the value came from and when ("agent · 3 hr. ago"). */
  hint: string | null;
}

/**
 * One structured attribute of a CI under its label: a list of records as a table with a column per field (units
 * stay in the headers: "Size GB"), anything else (a record, a list mixing records and scalars) as formatted JSON.
 */
export function StructuredAttribute({ attributeKey, label, value, type, hint }: StructuredAttributeProps) {
  const rows = Array.isArray(value) && value.every(isPlainObject) ? (value as Row[]) : null;
  const columns: DataTableColumn<Row>[] = rows
    ? structureColumns(rows, type, attributeKey).map((column) => ({
        id: column,
        header: labelOfKey(column),
        cell: (row) => <Text size="sm">{cellText(row[column])}</Text>,
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
        <Code block data-testid={`ci-structure-${attributeKey}-json`}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
      {hint && (
        <Text size="xs" c="dimmed" data-testid="provenance-hint">
          {hint}
        </Text>
      )}
    </Stack>
  );
}
