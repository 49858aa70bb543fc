import type { ImportPreset } from '@estate/contract';
import { Anchor, Select, Stack, Text } from '@mantine/core';
import { suggestPreset } from './import-source';

const NONE = '__none__';

/** Props of `ImportPresetPicker`. */
export interface ImportPresetPickerProps {
  presets: readonly ImportPreset[];
  presetId: string | null;
  onChange: (id: string | null) => void;
  /** The file's columns, to suggest the preset the file looks exported for. */
  columns: readonly string[];
  disabled?: boolean;
}

/** Chooses how the file's columns are read: mapped by hand, or by a preset for another tool's export. */
export function ImportPresetPicker({ presets, presetId, onChange, columns, disabled }: ImportPresetPickerProps) {
  const groups = [...new Set(presets.map((p) => p.product.split(' ')[0] ?? p.product))].map((tool) => ({
    group: tool as string,
    items: presets.filter((p) => p.product.startsWith(tool as string)).map((p) => ({ value: p.id, label: p.label })),
  }));
  const suggestion = presetId === null ? suggestPreset(presets, columns) : null;
  const chosen = presets.find((p) => p.id === presetId);
  return (
    <Stack gap={4}>
      <Select
        label="Preset"
        description="A preset reads an export of another tool as it comes: its columns, values and item types."
        data={[{ group: 'Map columns yourself', items: [{ value: NONE, label: 'No preset' }] }, ...groups]}
        value={presetId ?? NONE}
        onChange={(value) => onChange(!value || value === NONE ? null : value)}
        allowDeselect={false}
        disabled={disabled}
        maw={360}
        comboboxProps={{ withinPortal: true }}
        data-testid="import-preset"
      />
      {chosen && (
        <Text size="xs" c="dimmed" data-testid="import-preset-description">
          {chosen.product}. {chosen.description}
        </Text>
      )}
      {suggestion && (
        <Text size="sm" data-testid="import-preset-suggestion">
          This file looks like a {suggestion.label} export.{' '}
          <Anchor component="button" type="button" size="sm" onClick={() => onChange(suggestion.id)} disabled={disabled}>
            Use the {suggestion.label} preset
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}
