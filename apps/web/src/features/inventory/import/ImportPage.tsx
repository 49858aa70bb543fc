import type { CreateImportRequest, ImportRun } from '@estate/contract';
import { Alert, Anchor, Button, FileInput, Group, Input, List, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ComponentProps, useEffect, useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { SectionCard } from '../../../components/SectionCard';
import { useMe } from '../../auth/use-me';
import { groupedTypeOptions } from '../ci-type-options';
import { ciTypesQuery, INVENTORY_QUERY_KEY } from '../inventory-queries';
import { ImportHistory } from './ImportHistory';
import { ImportMapping } from './ImportMapping';
import { ImportProgress } from './ImportProgress';
import { ImportCounts, ImportResults } from './ImportResults';
import { IMPORTS_QUERY_KEY, importJobQuery, isFinished } from './import-queries';
import {
  autoMapping,
  formatBytes,
  type ImportSource,
  MAX_IMPORT_BYTES,
  RELATIONSHIP_TARGETS,
  readSource,
  type TargetField,
  targetFields,
} from './import-source';

type ImportKind = NonNullable<CreateImportRequest['kind']>;

/** What a column can go into: relationship fields, or the fields of the chosen type. */
function targetsFor(kind: ImportKind, type: Parameters<typeof targetFields>[0]): readonly TargetField[] {
  return kind === 'relationships' ? RELATIONSHIP_TARGETS : targetFields(type);
}

/**
 * Imports CIs of one type, or relationships between existing CIs, from a CSV or JSON file: choose what and the file,
 * map columns, dry run, then import.
 */
export function ImportPage() {
  const me = useMe();
  if (!can(me, 'inventory:write')) return <NoPermission permission="inventory:write" />;
  return <ImportWizard />;
}

interface LoadedFile {
  name: string;
  size: number;
  content: string;
  source: ImportSource;
}

const FILE_INPUT_PROPS = { 'data-testid': 'import-file', accept: '.csv,.json,text/csv,application/json' } as ComponentProps<'input'>;

/** Polls one job; nothing while there is no id. */
function useJob(id: string | null) {
  const api = useApi();
  return useQuery({ ...importJobQuery(api, id ?? ''), enabled: id !== null });
}

function ImportWizard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const types = useQuery(ciTypesQuery(api));
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
  // Relationships need no type: their rows name items of any type.
  const ready = kind === 'relationships' || type !== undefined;
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

  const submit = (isDryRun: boolean) => {
    if (!loaded || !ready) return;
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
  const dryRunOk = dryRun.data?.status === 'succeeded' && dryRun.data.counts.errors === 0;
  const nothingMapped = Object.values(mapping).every((target) => target === '');

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
        <ProblemAlert error={types.error} />
        <SectionCard
          title="1. What and file"
          description={
            kind === 'relationships'
              ? 'Every row of the file relates two existing items: source, relationship type, target.'
              : 'Every row of the file becomes (or updates) an item of this type.'
          }
        >
          <Input.Wrapper label="Import">
            <SegmentedControl
              display="flex"
              w="fit-content"
              value={kind}
              onChange={(value) => chooseKind(value as ImportKind)}
              disabled={locked}
              data={[
                { value: 'cis', label: 'Items' },
                { value: 'relationships', label: 'Relationships' },
              ]}
              data-testid="import-kind"
            />
          </Input.Wrapper>
          <Group align="flex-start" gap="md" grow preventGrowOverflow={false} wrap="wrap">
            {kind === 'cis' && (
              <Select
                label="Type"
                placeholder="Server, switch, application…"
                data={groupedTypeOptions(types.data ?? [])}
                value={typeId}
                onChange={chooseType}
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
              value={file}
              onChange={(chosen) => void chooseFile(chosen)}
              clearable
              disabled={locked || reading}
              miw={220}
              error={fileError}
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

        {loaded && ready && (
          <SectionCard
            title="2. Columns"
            description="Choose the field each column goes into. Columns were matched by name where possible."
          >
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
          </SectionCard>
        )}

        {loaded && ready && (
          <SectionCard title="3. Dry run" description="Checks every row and shows what the import would do, without changing anything.">
            <Group>
              <Button
                onClick={() => submit(true)}
                loading={start.isPending && start.variables?.dryRun === true}
                disabled={locked || nothingMapped || (dryRunId !== null && !dryRunDone)}
                data-testid="import-dry-run"
              >
                {dryRunId ? 'Dry run again' : 'Dry run'}
              </Button>
              {nothingMapped && (
                <Text size="sm" c="dimmed">
                  Map at least one column first.
                </Text>
              )}
            </Group>
            {start.variables?.dryRun !== false && <ProblemAlert error={start.error} />}
            {dryRunId && <ProblemAlert error={dryRun.error} />}
            {dryRunId && !dryRunDone && !dryRun.error && <ImportProgress job={dryRun.data} label="Checking rows" />}
            {dryRun.data && dryRunDone && <JobOutcome job={dryRun.data} />}
          </SectionCard>
        )}

        {dryRun.data && dryRunDone && (
          <SectionCard
            title="4. Import"
            description={
              kind === 'relationships'
                ? 'Creates the relationships as the dry run showed.'
                : 'Creates and updates the items as the dry run showed.'
            }
          >
            {!runId && (
              <Group>
                <Button
                  color="teal"
                  onClick={() => submit(false)}
                  loading={start.isPending && start.variables?.dryRun === false}
                  disabled={!dryRunOk}
                  data-testid="import-run"
                >
                  {importLabel(dryRun.data.counts.created + dryRun.data.counts.updated, kind)}
                </Button>
                {!dryRunOk && (
                  <Text size="sm" c="dimmed">
                    Fix the rows with errors in the file (or the mapping) and dry run again.
                  </Text>
                )}
              </Group>
            )}
            {start.variables?.dryRun === false && <ProblemAlert error={start.error} />}
            {runId && <ProblemAlert error={run.error} />}
            {runId && !runDone && !run.error && <ImportProgress job={run.data} label="Importing" />}
            {run.data && runDone && (
              <Stack gap="sm" data-testid="import-summary" data-status={run.data.status}>
                {run.data.status === 'succeeded' ? (
                  <Alert color="teal" title="Import finished">
                    {run.data.counts.created} created, {run.data.kind === 'relationships' ? '' : `${run.data.counts.updated} updated, `}
                    {run.data.counts.unchanged} unchanged
                    {run.data.counts.errors > 0 ? `, ${run.data.counts.errors} rows failed` : ''}.
                  </Alert>
                ) : (
                  <Alert color="red" title="Import failed">
                    {run.data.failure ?? 'The server stopped the import.'}
                    {run.data.appliedRows > 0 && ` ${run.data.appliedRows} rows were written before it stopped.`}
                    <FileErrors job={run.data} />
                  </Alert>
                )}
                <ImportCounts job={run.data} dryRun={false} />
                {run.data.counts.errors > 0 && <ImportResults job={run.data} />}
                <Group>
                  <Anchor component={Link} to="/inventory" data-testid="import-open-inventory">
                    Open the inventory
                  </Anchor>
                  <Button variant="default" onClick={startOver} data-testid="import-again">
                    Import another file
                  </Button>
                </Group>
              </Stack>
            )}
          </SectionCard>
        )}

        <ImportHistory />
      </Stack>
    </>
  );
}

/** A finished dry run: failed with the server's message, or its counts and rows. */
function JobOutcome({ job }: { job: ImportRun }) {
  if (job.status === 'failed')
    return (
      <Alert color="red" title="The dry run failed" data-testid="import-failed">
        {job.failure ?? 'The server could not check the file.'}
        <FileErrors job={job} />
      </Alert>
    );
  return (
    <Stack gap="sm">
      <ImportCounts job={job} dryRun />
      {job.counts.errors > 0 ? (
        <Text size="sm" c="red">
          {job.counts.errors === 1 ? '1 row has' : `${job.counts.errors} rows have`} errors; nothing can be imported until they are fixed.
        </Text>
      ) : (
        <Text size="sm" c="teal">
          Every row can be imported.
        </Text>
      )}
      <ImportResults key={job.id} job={job} />
    </Stack>
  );
}

/** Problems with the whole file (encoding, quoting, unknown columns), as a list. */
function FileErrors({ job }: { job: ImportRun }) {
  if (job.fileErrors.length === 0) return null;
  return (
    <List size="sm" mt="xs" data-testid="import-file-errors">
      {job.fileErrors.map((error) => (
        <List.Item key={`${error.field}:${error.message}`}>{error.field ? `${error.field}: ${error.message}` : error.message}</List.Item>
      ))}
    </List>
  );
}

function importLabel(changes: number, kind: ImportKind): string {
  if (changes === 0) return 'Import (nothing to change)';
  const noun = kind === 'relationships' ? 'relationship' : 'item';
  return changes === 1 ? `Import 1 ${noun}` : `Import ${changes} ${noun}s`;
}
