import type { ImportPreset } from '@estate/contract';
import { Button, Group, List, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { matchPresetColumns } from './import-source';

/** Value-map entries a request adds to a preset's maps, by map name. */
export type ValueMapOverrides = Record<string, Record<string, string>>;

/** Props of `ImportPresetMapping`. */
export interface ImportPresetMappingProps {
  preset: ImportPreset;
  columns: readonly string[];
  overrides: ValueMapOverrides;
  onOverridesChange: (overrides: ValueMapOverrides) => void;
  disabled?: boolean;
}

/** Words for a preset column's target. */
function targetLabel(field: string): string {
  const labels: Record<string, string> = {
    type: 'Item type (through the value map)',
    'location.site': 'Location: site',
    'location.room': 'Location: room',
    'location.rack': 'Location: rack',
    'location.path': 'Location: site > room',
    ip: 'IP address',
    os: 'Operating system or firmware',
    device: 'The item the address belongs to',
    source: 'Source item',
    target: 'Target item',
  };
  if (labels[field]) return labels[field];
  if (field.startsWith('tag.')) return `Tag ${field.slice(4)}:…`;
  return field;
}

/** How a preset reads the file: which column goes where, what the file lacks, the value maps, and where the file comes from. */
export function ImportPresetMapping({ preset, columns, overrides, onOverridesChange, disabled }: ImportPresetMappingProps) {
  const matches = matchPresetColumns(preset, columns);
  const used = new Set(matches.flatMap((m) => (m.column ? [m.column] : [])));
  const missing = matches.filter((m) => m.spec.required && m.column === null);
  const ignored = columns.filter((column) => !used.has(column));
  return (
    <Stack gap="sm" data-testid="import-preset-mapping">
      <Table.ScrollContainer minWidth={340}>
        <Table verticalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Column in the file</Table.Th>
              <Table.Th>Imported into</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {matches
              .filter((m) => m.column !== null)
              .map((m) => (
                <Table.Tr key={m.column} data-testid="import-preset-column" data-column={m.column}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {m.column}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {targetLabel(m.spec.field)}
                      {m.spec.transforms.length > 0 && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          ({m.spec.transforms.join(', ')})
                        </Text>
                      )}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {missing.map((m) => (
        <Text key={m.spec.field} size="sm" c="red" data-testid="import-preset-missing">
          The file has no column {m.spec.headers.map((h) => `"${h}"`).join(' or ')}; the preset needs it.
        </Text>
      ))}
      {ignored.length > 0 && (
        <Text size="xs" c="dimmed">
          Ignored: {ignored.join(', ')}
        </Text>
      )}
      <ValueMaps preset={preset} overrides={overrides} onChange={onOverridesChange} disabled={disabled} />
      <Stack gap={4}>
        <Title order={3} fz="sm">
          Getting the file
        </Title>
        <List size="sm" spacing={2}>
          {preset.steps.map((step) => (
            <List.Item key={step}>{step}</List.Item>
          ))}
        </List>
      </Stack>
    </Stack>
  );
}

/** The preset's value maps with the entries added here, and a form to add one (for a role or status it does not know). */
function ValueMaps({
  preset,
  overrides,
  onChange,
  disabled,
}: {
  preset: ImportPreset;
  overrides: ValueMapOverrides;
  onChange: (overrides: ValueMapOverrides) => void;
  disabled?: boolean;
}) {
  const names = Object.keys(preset.valueMaps);
  const [mapName, setMapName] = useState<string | null>(names[0] ?? null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState<string | null>(null);
  if (names.length === 0) return null;
  const map = mapName ? preset.valueMaps[mapName] : undefined;
  const added = Object.entries(overrides).flatMap(([name, entries]) =>
    Object.entries(entries).map(([value, target]) => ({ name, value, target })),
  );
  const add = () => {
    if (!mapName || !to || from.trim() === '') return;
    onChange({ ...overrides, [mapName]: { ...(overrides[mapName] ?? {}), [from.trim()]: to } });
    setFrom('');
    setTo(null);
  };
  return (
    <Stack gap={6} data-testid="import-value-maps">
      <Title order={3} fz="sm">
        Value maps
      </Title>
      <Text size="xs" c="dimmed">
        {names
          .map((name) => {
            const m = preset.valueMaps[name];
            const known = [...Object.keys(m?.values ?? {}).filter(Boolean), ...(m?.contains.map((c) => `…${c.word}…`) ?? [])];
            return `${m?.label ?? name}: ${known.join(', ')}`;
          })
          .join(' · ')}
      </Text>
      {added.map((entry) => (
        <Group key={`${entry.name}:${entry.value}`} gap="xs" data-testid="import-value-map-entry">
          <Text size="sm">
            {preset.valueMaps[entry.name]?.label ?? entry.name} "{entry.value}" → {entry.target}
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            disabled={disabled}
            onClick={() => {
              const { [entry.value]: _removed, ...rest } = overrides[entry.name] ?? {};
              onChange({ ...overrides, [entry.name]: rest });
            }}
          >
            Remove
          </Button>
        </Group>
      ))}
      <Group gap="xs" align="flex-end" wrap="wrap">
        {names.length > 1 && (
          <Select
            label="Map"
            data={names.map((name) => ({ value: name, label: preset.valueMaps[name]?.label ?? name }))}
            value={mapName}
            onChange={(value) => {
              setMapName(value);
              setTo(null);
            }}
            allowDeselect={false}
            size="xs"
            w={140}
            disabled={disabled}
          />
        )}
        <TextInput
          label="Value in the file"
          value={from}
          onChange={(event) => setFrom(event.currentTarget.value)}
          size="xs"
          w={180}
          disabled={disabled}
          data-testid="import-value-map-from"
        />
        <Select
          label={`Becomes (${map?.label ?? ''})`}
          data={(map?.allowed ?? []).map((value) => ({ value, label: value === '-' ? 'skip the row' : value }))}
          value={to}
          onChange={setTo}
          size="xs"
          w={200}
          searchable
          disabled={disabled}
          comboboxProps={{ withinPortal: true }}
          data-testid="import-value-map-to"
        />
        <Button
          size="xs"
          variant="default"
          onClick={add}
          disabled={disabled || !to || from.trim() === ''}
          data-testid="import-value-map-add"
        >
          Add
        </Button>
      </Group>
    </Stack>
  );
}
