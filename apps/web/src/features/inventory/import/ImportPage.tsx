import type { CreateImportRequest } from '@estate/contract';
import { Button, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { ciTypesQuery, INVENTORY_QUERY_KEY } from '../inventory-queries';
import { ImportDryRunStep } from './ImportDryRunStep';
import { ImportHistory } from './ImportHistory';
import { ImportMapping } from './ImportMapping';
import { ImportPresetMapping, type ValueMapOverrides } from './ImportPresetMapping';
import { ImportPresetPicker } from './ImportPresetPicker';
import { ImportRunStep } from './ImportRunStep';
import { type ImportKind, ImportSourceStep, type LoadedFile } from './ImportSourceStep';
import { IMPORTS_QUERY_KEY, importJobQuery, importPresetsQuery, isFinished } from './import-queries';
import {
  autoMapping,
  formatBytes,
  MAX_IMPORT_BYTES,
  RELATIONSHIP_TARGETS,
  readSource,
  type TargetField,
  targetFields,
} from './import-source';

/** What a column can go into: relationship fields, or the fields of the chosen type. */
function targetsFor(kind: ImportKind, type: Parameters<typeof targetFields>[0]): readonly TargetField[] {
  return kind === 'relationships' ? RELATIONSHIP_TARGETS : targetFields(type);
}

/**
 * Imports CIs of one type, or relationships between existing CIs, from a CSV or JSON file: choose what and the file,
 * map columns (or pick a preset for a NetBox, Snipe-IT or GLPI export), dry run, then import.
 */
export function ImportPage() {
  const me = useMe();
  if (!can(me, 'inventory:write')) return <NoPermission permission="inventory:write" />;
  return <ImportWizard />;
}

/** Polls one job; nothing while there is no id. */
function useJob(id: string | null) {
  const api = useApi();
  return useQuery({ ...importJobQuery(api, id ?? ''), enabled: id !== null });
}

function ImportWizard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const types = useQuery(ciTypesQuery(api));
  const presets = useQuery(importPresetsQuery(api));
  const [presetId, setPresetId] = useState<string | null>(null);
  const [overrides, setOverrides] = useState<ValueMapOverrides>({});
  const [kind, setKind] = useState<ImportKind>('cis');
  const [typeId, setTypeId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [loaded, setLoaded] = useState<LoadedFile | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [naturalKey, setNaturalKey] = useState<NonNullable<CreateImportRequest['naturalKey']>>('name');
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const type = types.data?.find((candidate) => candidate.id === typeId);
  const targets = targetsFor(kind, type);
  const preset = presets.data?.find((candidate) => candidate.id === presetId);
  // Relationships need no type: their rows name items of any type. A preset decides types itself.
  const ready = kind === 'relationships' || type !== undefined || preset !== undefined;
  const importKind = preset?.kind ?? kind;
  const dryRun = useJob(dryRunId);
  const run = useJob(runId);

  const start = useMutation({
    mutationFn: (request: CreateImportRequest) => api.createImport(request),
    onSuccess: ({ id }, request) => {
      if (request.dryRun) setDryRunId(id);
      else setRunId(id);
      void queryClient.invalidateQueries({ queryKey: [...IMPORTS_QUERY_KEY, 'history'] });
    },
  });

  // A finished job changes the history; a finished real import changes the inventory.
  const dryRunDone = isFinished(dryRun.data);
  const runDone = isFinished(run.data);
  useEffect(() => {
    if (dryRunDone || runDone) void queryClient.invalidateQueries({ queryKey: [...IMPORTS_QUERY_KEY, 'history'] });
    if (runDone) void queryClient.invalidateQueries({ queryKey: [...INVENTORY_QUERY_KEY, 'cis'] });
  }, [dryRunDone, runDone, queryClient]);

  /** Any change of what would be imported voids the dry run. */
  const resetJobs = () => {
    setDryRunId(null);
    setRunId(null);
    start.reset();
  };

  const chooseType = (id: string | null) => {
    setTypeId(id);
    resetJobs();
    const next = types.data?.find((candidate) => candidate.id === id);
    if (loaded) setMapping(autoMapping(loaded.source.columns, targetFields(next)));
  };

  const chooseKind = (next: ImportKind) => {
    setKind(next);
    resetJobs();
    if (loaded) setMapping(autoMapping(loaded.source.columns, targetsFor(next, type)));
  };

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setLoaded(null);
    setFileError(null);
    resetJobs();
    if (!chosen) return;
    if (chosen.size > MAX_IMPORT_BYTES) {
      setFileError(
        `${chosen.name} is ${formatBytes(chosen.size)}; files up to ${formatBytes(MAX_IMPORT_BYTES)} can be imported. Split it into smaller files.`,
      );
      return;
    }
    setReading(true);
    try {
      const content = await chosen.text();
      const source = readSource(chosen.name, content);
      setLoaded({ name: chosen.name, size: chosen.size, content, source });
      setMapping(autoMapping(source.columns, targetsFor(kind, type)));
    } catch (error) {
      setFileError(error instanceof Error ? error.message : String(error));
    } finally {
      setReading(false);
    }
  };

  const choosePreset = (id: string | null) => {
    setPresetId(id);
    setOverrides({});
    resetJobs();
  };

  const submit = (isDryRun: boolean) => {
    if (!loaded || !ready) return;
    if (preset) {
      const valueMaps = Object.fromEntries(Object.entries(overrides).filter(([, entries]) => Object.keys(entries).length > 0));
      start.mutate({
        format: loaded.source.format,
        preset: preset.id,
        ...(Object.keys(valueMaps).length > 0 ? { valueMaps } : {}),
        dryRun: isDryRun,
        content: loaded.content,
      });
      return;
    }
    const what = kind === 'relationships' ? { kind } : { ciType: type?.id };
    start.mutate({ format: loaded.source.format, ...what, mapping, naturalKey, dryRun: isDryRun, content: loaded.content });
  };

  const startOver = () => {
    resetJobs();
    setFile(null);
    setLoaded(null);
    setMapping({});
  };

  const locked = runId !== null || (start.isPending && !start.variables?.dryRun);
  const nothingMapped = preset === undefined && Object.values(mapping).every((target) => target === '');

  return (
    <>
      <PageHeader
        title="Import items"
        description="Create or update configuration items, or relate existing ones, from a CSV or JSON file. A dry run shows what would happen first."
        actions={
          <Button component={Link} to="/inventory" variant="default">
            Back to inventory
          </Button>
        }
      />
      <Stack gap="md" maw={1100}>
        <ProblemAlert error={types.error ?? presets.error} />
        <ImportSourceStep
          kind={kind}
          onKindChange={chooseKind}
          types={types.data ?? []}
          typeId={typeId}
          onTypeChange={chooseType}
          file={file}
          onFileChange={(chosen) => void chooseFile(chosen)}
          loaded={loaded}
          fileError={fileError}
          reading={reading}
          locked={locked}
          preset={preset}
        />

        {loaded && (
          <SectionCard
            title="2. Columns"
            description={
              preset
                ? 'The preset reads the columns, values and item types of the export.'
                : 'Choose the field each column goes into. Columns were matched by name where possible.'
            }
          >
            <ImportPresetPicker
              presets={presets.data ?? []}
              presetId={presetId}
              onChange={choosePreset}
              columns={loaded.source.columns}
              disabled={locked}
            />
            {preset ? (
              <ImportPresetMapping
                preset={preset}
                columns={loaded.source.columns}
                overrides={overrides}
                onOverridesChange={(next) => {
                  setOverrides(next);
                  resetJobs();
                }}
                disabled={locked}
              />
            ) : ready ? (
              <ImportMapping
                columns={loaded.source.columns}
                targets={targets}
                mapping={mapping}
                onChange={(next) => {
                  setMapping(next);
                  resetJobs();
                }}
                naturalKey={naturalKey}
                kind={kind}
                onNaturalKeyChange={(key) => {
                  setNaturalKey(key);
                  resetJobs();
                }}
                disabled={locked}
              />
            ) : (
              <Text size="sm" c="dimmed">
                Choose the type of the items in step 1, or a preset.
              </Text>
            )}
          </SectionCard>
        )}

        {loaded && ready && (
          <ImportDryRunStep
            jobId={dryRunId}
            job={dryRun.data}
            jobError={dryRun.error}
            startError={start.variables?.dryRun !== false ? start.error : null}
            starting={start.isPending && start.variables?.dryRun === true}
            disabled={locked || nothingMapped || (dryRunId !== null && !dryRunDone)}
            nothingMapped={nothingMapped}
            onStart={() => submit(true)}
          />
        )}

        {dryRun.data && dryRunDone && (
          <ImportRunStep
            kind={importKind}
            dryRun={dryRun.data}
            jobId={runId}
            job={run.data}
            jobError={run.error}
            startError={start.variables?.dryRun === false ? start.error : null}
            starting={start.isPending && start.variables?.dryRun === false}
            onStart={() => submit(false)}
            onStartOver={startOver}
          />
        )}

        <ImportHistory />
      </Stack>
    </>
  );
}
