import { readFileSync, writeFileSync } from 'node:fs';
import { isApiError } from '@estate/client';
import { InvalidArgumentError } from 'commander';
import { connect, describeNetworkError } from '../api-client';
import type { ApiConnectionOptions } from '../api-connection';
import { ExitCode } from '../exit-codes';
import { fail } from '../output';
import {
  CheckFileError,
  type CheckFileFormat,
  formatOfFile,
  parseCheckFile,
  pointerToPath,
  type RowError,
  renderCheckFile,
  validateRows,
} from './check-file';
import { type CheckChange, countChanges, planChanges } from './check-plan';
import { ChangedMeanwhileError, type ChecksApi, createChecksApi } from './checks-api';

/** Options of `estate checks export`. */
export type ExportOptions = ApiConnectionOptions & { format?: CheckFileFormat; output?: string };
/** Options of `estate checks apply`. */
export type ApplyOptions = ApiConnectionOptions & { dryRun?: boolean; prune?: boolean };

/** `estate checks export`: every check as a checks file, on stdout or in `--output`; secrets as placeholders. */
export async function exportChecks(opts: ExportOptions): Promise<void> {
  await run(opts, async (api) => {
    const format = opts.format ?? (opts.output ? formatOfFile(opts.output) : 'yaml');
    const all = await api.listAll();
    const { text, variables } = renderCheckFile(all, format);
    if (!opts.output) {
      process.stdout.write(text);
    } else {
      writeFileSync(opts.output, text);
      process.stdout.write(`Exported ${all.length} ${all.length === 1 ? 'check' : 'checks'} to ${opts.output}.\n`);
    }
    if (format === 'json' && variables.length > 0) {
      process.stderr.write(`estate: secrets are not exported; set these environment variables before applying: ${variables.join(', ')}\n`);
    }
  });
}

/**
 * `estate checks apply FILE`: validates the whole file first (exit 2 and nothing written when any row is invalid),
 * plans against every check on the server, then prints the plan (`--dry-run`) or carries it out.
 */
export async function applyChecks(file: string, opts: ApplyOptions): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(new Error(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`));
  }
  let rows: unknown[];
  try {
    rows = parseCheckFile(text, formatOfFile(file));
  } catch (err) {
    if (!(err instanceof CheckFileError)) fail(err);
    process.stderr.write(`estate: ${file} is ${err.message}.\n`);
    process.exit(ExitCode.usage);
  }
  // The file is checked in full before the server is asked anything: every bad row is reported, none written.
  const { entries, errors } = validateRows(rows, process.env);
  if (errors.length > 0) refuseFile(errors);
  await run(opts, async (api) => {
    const plan = planChanges(entries, await api.listAll(), { prune: opts.prune === true });
    if (plan.errors.length > 0) refuseFile(plan.errors);
    if (opts.dryRun) return printPlan(plan.changes);
    await carryOut(api, plan.changes);
  });
}

/** Connects, runs the action, and turns failures into one line and the matching exit code. */
async function run(opts: ApiConnectionOptions, action: (api: ChecksApi) => Promise<void>): Promise<void> {
  let server = opts.server;
  try {
    const connection = await connect(opts);
    server = connection.server;
    await action(createChecksApi(connection.transport));
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`estate: ${err.message}\n`);
      process.exit(ExitCode.usage);
    }
    fail(describeNetworkError(err, server));
  }
}

/** Prints every row error on stderr and exits 2 without writing anything. */
function refuseFile(errors: readonly RowError[]): never {
  for (const error of errors) process.stderr.write(`estate: ${describeRowError(error)}\n`);
  const rows = new Set(errors.map((e) => e.index)).size;
  process.stderr.write(`estate: ${rows} ${rows === 1 ? 'row is' : 'rows are'} invalid; nothing was written.\n`);
  process.exit(ExitCode.usage);
}

/** `checks[2] "API": config.url: must start with http:// or https://`. */
function describeRowError(error: RowError): string {
  const where =
    error.index === null
      ? `check "${error.name}" (on the server only)`
      : `checks[${error.index}]${error.name === null ? '' : ` "${error.name}"`}`;
  return `${where}: ${error.path ? `${error.path}: ` : ''}${error.message}`;
}

function printPlan(changes: readonly CheckChange[]): void {
  const lines = changes.map((change) => {
    if (change.kind === 'delete') return `delete "${change.check.name}"`;
    if (change.kind === 'update') return `update "${change.entry.name}": ${change.fields.join(', ')}`;
    return `${change.kind} "${change.entry.name}"`;
  });
  const counts = countChanges(changes);
  lines.push(
    `Dry run: ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged, ${counts.delete} to delete; nothing written.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Writes the plan's changes one by one, printing a line for each. A change the server refuses is reported with its
 * row (and each field the server named) and the rest go on; the exit code is then 5.
 */
async function carryOut(api: ChecksApi, changes: readonly CheckChange[]): Promise<void> {
  const done: CheckChange[] = [];
  const refused: RowError[] = [];
  for (const change of changes) {
    try {
      if (change.kind === 'create') {
        const created = await api.create(change.body);
        process.stdout.write(`created "${change.entry.name}" (${created.id})\n`);
      } else if (change.kind === 'update') {
        await api.update(change.check, change.patch);
        process.stdout.write(`updated "${change.entry.name}": ${change.fields.join(', ')}\n`);
      } else if (change.kind === 'delete') {
        await api.delete(change.check);
        process.stdout.write(`deleted "${change.check.name}"\n`);
      }
      done.push(change);
    } catch (err) {
      const at =
        change.kind === 'delete' ? { index: null, name: change.check.name } : { index: change.entry.index, name: change.entry.name };
      if (isApiError(err) && err.status < 500) {
        const fields = err.errors.length > 0 ? err.errors : [{ path: '', message: err.message }];
        for (const e of fields) refused.push({ ...at, path: pointerToPath(e.path), message: e.message });
      } else if (err instanceof ChangedMeanwhileError) {
        refused.push({ ...at, path: '', message: err.message });
      } else {
        throw err;
      }
    }
  }
  for (const error of refused) process.stderr.write(`estate: ${describeRowError(error)}\n`);
  const counts = countChanges(done);
  const failed = new Set(refused.map((e) => `${e.index}:${e.name}`)).size;
  process.stdout.write(
    `${counts.create} created, ${counts.update} updated, ${counts.unchanged} unchanged, ${counts.delete} deleted${failed > 0 ? `, ${failed} failed` : ''}\n`,
  );
  if (failed > 0) process.exit(ExitCode.refused);
}
