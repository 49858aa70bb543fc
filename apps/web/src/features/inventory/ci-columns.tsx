import type { Ci, CiTypeInfo } from '@estate/contract';
import { Badge, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../components/format-time';
import { CRITICALITY_COLORS, formatValue, humanize, STATUS_COLORS } from './ci-labels';
import { typeLabel } from './ci-type-options';

/** One optional column of the inventory table. */
export interface CiColumn {
  id: string;
  label: string;
  width: number;
  render: (ci: Ci, types: readonly CiTypeInfo[] | undefined) => ReactNode;
  /** The API's sort key when the list can be sorted by this column on the server. */
  sortKey?: 'updatedAt' | 'createdAt';
}

const text = (value: unknown) => (
  <Text size="sm" truncate="end">
    {formatValue(value)}
  </Text>
);

/** Every column the table can show besides the name, in display order. */
export const CI_COLUMNS: readonly CiColumn[] = [
  { id: 'type', label: 'Type', width: 140, render: (ci, types) => text(typeLabel(types, ci.type)) },
  {
    id: 'status',
    label: 'Status',
    width: 120,
    render: (ci) => (
      <Badge variant="light" color={STATUS_COLORS[ci.status]}>
        {humanize(ci.status)}
      </Badge>
    ),
  },
  { id: 'environment', label: 'Environment', width: 120, render: (ci) => text(ci.environment && humanize(ci.environment)) },
  {
    id: 'criticality',
    label: 'Criticality',
    width: 110,
    render: (ci) =>
      ci.criticality ? (
        <Badge variant="dot" color={CRITICALITY_COLORS[ci.criticality]}>
          {ci.criticality}
        </Badge>
      ) : (
        text(null)
      ),
  },
  { id: 'serial', label: 'Serial', width: 140, render: (ci) => text(ci.serial) },
  { id: 'assetTag', label: 'Asset tag', width: 120, render: (ci) => text(ci.assetTag) },
  { id: 'manufacturer', label: 'Manufacturer', width: 140, render: (ci) => text(ci.manufacturer) },
  { id: 'model', label: 'Model', width: 140, render: (ci) => text(ci.model) },
  {
    id: 'tags',
    label: 'Tags',
    width: 160,
    render: (ci) => (
      <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
        {ci.tags.length === 0 && text(null)}
        {ci.tags.map((tag) => (
          <Badge key={tag} size="sm" variant="outline" color="gray">
            {tag}
          </Badge>
        ))}
      </Group>
    ),
  },
  { id: 'warrantyEnd', label: 'Warranty end', width: 120, render: (ci) => text(ci.warrantyEnd) },
  { id: 'endOfLife', label: 'End of life', width: 120, render: (ci) => text(ci.endOfLife) },
  { id: 'monthlyCost', label: 'Monthly cost', width: 120, render: (ci) => text(ci.monthlyCost) },
  { id: 'updatedAt', label: 'Updated', width: 160, sortKey: 'updatedAt', render: (ci) => text(formatDateTime(ci.updatedAt)) },
  { id: 'createdAt', label: 'Created', width: 160, sortKey: 'createdAt', render: (ci) => text(formatDateTime(ci.createdAt)) },
];

/** The columns shown until the user chooses others. */
export const DEFAULT_COLUMNS = ['type', 'status', 'environment', 'criticality', 'tags', 'updatedAt'];
