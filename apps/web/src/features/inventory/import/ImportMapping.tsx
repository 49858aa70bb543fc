import type { CreateImportRequest } from '@estate/contract';

type ImportNaturalKey = NonNullable<CreateImportRequest['naturalKey']>;

import { Select, Stack, Table, Text } from '@mantine/core';
import type { TargetField } from './import-source';

const IGNORE = '__ignore__';

/** Choices of the natural key: the field that finds an existing CI to update. */
export const NATURAL_KEYS: { value: ImportNaturalKey; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'serial', label: 'Serial number' },
  { value: 'assetTag', label: 'Asset tag' },
];

/** Props of `ImportMapping`. */
export interface ImportMappingProps {
  columns: readonly string[];
  targets: readonly TargetField[];
  mapping: Record<string, string>;
  onChange: (mapping: Record<string, string>) => void;
  naturalKey: ImportNaturalKey;
  onNaturalKeyChange: (key: ImportNaturalKey) => void;
  /** What is imported: items (the default) or relationships, whose rows name items by the natural key. */
  kind?: 'cis' | 'relationships';
  disabled?: boolean;
}

/** Which field each source column goes into ('' ignores it), and which field identifies existing CIs. */
export function ImportMapping({
  columns,
  targets,
  mapping,
  onChange,
  naturalKey,
  onNaturalKeyChange,
  kind = 'cis',
  disabled,
}: ImportMappingProps) {
  const groups = (['Relationship', 'Common fields', 'Attributes', 'Custom fields'] as const)
    .map((group) => ({
      group,
      items: targets.filter((target) => target.group === group).map(({ value, label }) => ({ value, label: `${label} (${value})` })),
    }))
    .filter((group) => group.items.length > 0);
  const data = [{ group: 'Skip', items: [{ value: IGNORE, label: 'Ignore this column' }] }, ...groups];
  const used = new Map<string, number>();
  for (const target of Object.values(mapping)) if (target) used.set(target, (used.get(target) ?? 0) + 1);
  const mapped = Object.values(mapping).filter(Boolean);
  const keyMapped = mapped.includes(naturalKey);

  return (
    <Stack gap="sm" data-testid="import-mapping">
      <Table.ScrollContainer minWidth={340}>
        <Table verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Column in the file</Table.Th>
              <Table.Th>Imported into</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {columns.map((column) => {
              const target = mapping[column] ?? '';
              const duplicate = target !== '' && (used.get(target) ?? 0) > 1;
              return (
                <Table.Tr key={column} data-testid="import-mapping-row" data-column={column}>
                  <Table.Td>
                    <Text size="sm" fw={500} style={{ wordBreak: 'break-word' }}>
                      {column}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={180}>
                    <Select
                      aria-label={`Target of column ${column}`}
                      data={data}
                      value={target === '' ? IGNORE : target}
                      onChange={(value) => onChange({ ...mapping, [column]: !value || value === IGNORE ? '' : value })}
                      searchable
                      allowDeselect={false}
                      size="xs"
                      disabled={disabled}
                      error={duplicate ? 'Another column goes into this field too' : undefined}
                      c={target === '' ? 'dimmed' : undefined}
                      comboboxProps={{ withinPortal: true }}
                      data-testid="import-mapping-select"
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Select
        label={kind === 'relationships' ? 'Find source and target items by' : 'Match existing items by'}
        description={
          kind === 'relationships'
            ? 'Source and target cells hold an item id or this field of the item; add type columns where names repeat across types.'
            : 'Rows whose value of this field matches an existing item of the type update it; others create new items.'
        }
        data={NATURAL_KEYS}
        value={naturalKey}
        onChange={(value) => value && onNaturalKeyChange(value as ImportNaturalKey)}
        allowDeselect={false}
        disabled={disabled}
        maw={360}
        error={keyMapped || kind === 'relationships' ? undefined : 'No column is imported into this field, so every row would be created'}
        data-testid="import-natural-key"
      />
      {kind === 'relationships' &&
        (['source', 'type', 'target'] as const)
          .filter((field) => !mapped.includes(field))
          .map((field) => (
            <Text key={field} size="sm" c="orange">
              No column is imported into {field}; every relationship needs one.
            </Text>
          ))}
      {kind === 'cis' && !mapped.includes('name') && (
        <Text size="sm" c="orange">
          No column is imported into Name; the server rejects rows without a name when creating items.
        </Text>
      )}
    </Stack>
  );
}
