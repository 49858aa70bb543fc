import type { CiTypeInfo, CreateImportRequest, ImportPreset } from '@estate/contract';
import { FileInput, Group, Input, SegmentedControl, Select, Text } from '@mantine/core';
import type { ComponentProps } from 'react';
import { SectionCard } from '../../../components/SectionCard';
import { groupedTypeOptions } from '../ci-type-options';
import { formatBytes, type ImportSource } from './import-source';

/** What an import brings in: items of one type, or relationships between existing items. */
export type ImportKind = NonNullable<CreateImportRequest['kind']>;

/** A file read into memory, with what `readSource` found in it. */
export interface LoadedFile {
  name: string;
  size: number;
  content: string;
  source: ImportSource;
}

/** Props of `ImportSourceStep`. */
export interface ImportSourceStepProps {
  kind: ImportKind;
  onKindChange: (kind: ImportKind) => void;
  types: readonly CiTypeInfo[];
  typeId: string | null;
  onTypeChange: (id: string | null) => void;
  file: File | null;
  onFileChange: (file: File | null) => void;
  loaded: LoadedFile | null;
  /** Why the chosen file cannot be imported (too large, unreadable), or null. */
  fileError: string | null;
  reading: boolean;
  /** Once the real import started, nothing here may change. */
  locked: boolean;
  /** The preset chosen on the next step: it decides what is imported, so kind and type are not asked. */
  preset?: ImportPreset;
}

const FILE_INPUT_PROPS = { 'data-testid': 'import-file', accept: '.csv,.json,text/csv,application/json' } as ComponentProps<'input'>;

/** Step 1 of the import: items or relationships, the items' type, and the file, with what was read from it. */
export function ImportSourceStep(props: ImportSourceStepProps) {
  const { kind, loaded, locked, preset } = props;
  return (
    <SectionCard
      title="1. What and file"
      description={
        preset
          ? `The ${preset.label} preset decides what every row becomes.`
          : kind === 'relationships'
            ? 'Every row of the file relates two existing items: source, relationship type, target.'
            : 'Every row of the file becomes (or updates) an item of this type.'
      }
    >
      <Input.Wrapper label="Import" display={preset ? 'none' : undefined}>
        <SegmentedControl
          display="flex"
          w="fit-content"
          value={kind}
          onChange={(value) => props.onKindChange(value as ImportKind)}
          disabled={locked}
          data={[
            { value: 'cis', label: 'Items' },
            { value: 'relationships', label: 'Relationships' },
          ]}
          data-testid="import-kind"
        />
      </Input.Wrapper>
      <Group align="flex-start" gap="md" grow preventGrowOverflow={false} wrap="wrap">
        {kind === 'cis' && !preset && (
          <Select
            label="Type"
            placeholder="Server, switch, application…"
            data={groupedTypeOptions(props.types)}
            value={props.typeId}
            onChange={props.onTypeChange}
            searchable
            disabled={locked}
            miw={220}
            data-testid="import-type"
          />
        )}
        <FileInput
          label="File"
          description="CSV with a header line, or a JSON array of objects; up to 50 MB"
          placeholder="Choose a .csv or .json file"
          value={props.file}
          onChange={props.onFileChange}
          clearable
          disabled={locked || props.reading}
          miw={220}
          error={props.fileError}
          fileInputProps={FILE_INPUT_PROPS}
          data-testid="import-file-button"
        />
      </Group>
      {loaded && (
        <Text size="sm" c="dimmed" data-testid="import-file-info">
          {loaded.name} — {formatBytes(loaded.size)}, {loaded.source.format.toUpperCase()}, {loaded.source.rowCount} rows,{' '}
          {loaded.source.columns.length} columns
        </Text>
      )}
    </SectionCard>
  );
}
