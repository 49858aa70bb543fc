import path from 'node:path';
import { type Check, CreateCheckRequest } from '@estate/contract';
import { Value } from 'typebox/value';
import YAML from 'yaml';

/*
 * The "monitoring as code" file: `{ checks: [ { name, type, enabled, …, secretsFromEnv } ] }` in YAML or JSON.
 * Names are the keys that tie a row to a check on the server. Secrets never appear in it: `secretsFromEnv` maps each
 * secret's name to the environment variable that holds its value when the file is applied.
 */

/** The file's formats; JSON when the file name ends in `.json`, YAML otherwise. */
export type CheckFileFormat = 'yaml' | 'json';

/** The fields of a row that a change (PATCH) may set, in the order an export writes them after name and type. */
export const CHANGEABLE_FIELDS = [
  'enabled',
  'intervalSeconds',
  'timeoutSeconds',
  'retries',
  'config',
  'conditions',
  'warningConditions',
  'ciIds',
  'agentId',
] as const;

/** The fields of a row the server stores, in the order an export writes them. */
export const CHECK_FIELDS = ['name', 'type', ...CHANGEABLE_FIELDS] as const;

/** A row that passed validation: its position in the file, the check to create, and its secrets read from the environment. */
export interface CheckEntry {
  /** Zero-based position in the file's `checks` list. */
  index: number;
  name: string;
  /** The row's fields as a create request, without secrets; fields the row leaves out are absent. */
  request: CreateCheckRequest;
  /** Secret values by secret name, read from the environment; undefined when the row has no `secretsFromEnv`. */
  secrets: Record<string, string> | undefined;
}

/** What is wrong with one row, or with one change while writing it. */
export interface RowError {
  /** Zero-based position in the file, or null for a check that is only on the server (a prune). */
  index: number | null;
  /** The row's name when it has one. */
  name: string | null;
  /** Where in the row, as `config.url` or `ciIds[0]`; empty for the row as a whole. */
  path: string;
  message: string;
}

/** A file that cannot be read as a checks file at all (bad syntax, no `checks` list). */
export class CheckFileError extends Error {
  override name = 'CheckFileError';
}

/** The format a file name implies: JSON for `.json`, YAML for anything else. */
export function formatOfFile(file: string): CheckFileFormat {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/** Parses a checks file and answers its rows, unvalidated; throws `CheckFileError` when it is not a checks file. */
export function parseCheckFile(text: string, format: CheckFileFormat): unknown[] {
  let parsed: unknown;
  if (format === 'json') {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new CheckFileError(`not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    const first = doc.errors[0];
    if (first) throw new CheckFileError(`not valid YAML: ${first.message.split('\n')[0]?.replace(/:$/, '')}`);
    parsed = doc.toJS();
  }
  const checks = (parsed as { checks?: unknown } | null)?.checks;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray(checks)) {
    throw new CheckFileError('expected an object with a "checks" list: { checks: [ { name, type, config, … } ] }');
  }
  const unknown = Object.keys(parsed).filter((key) => key !== 'checks');
  if (unknown.length > 0) throw new CheckFileError(`unknown top-level ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.join(', ')}`);
  return checks;
}

const SECRET_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_MAX_LENGTH = 4_096;

/**
 * Validates every row against the contract's create schema, the uniqueness of names and the presence of each
 * `secretsFromEnv` variable in `env`, and answers the valid rows with every error found (not only the first).
 */
export function validateRows(rows: readonly unknown[], env: NodeJS.ProcessEnv): { entries: CheckEntry[]; errors: RowError[] } {
  const entries: CheckEntry[] = [];
  const errors: RowError[] = [];
  const firstIndexOf = new Map<string, number>();
  rows.forEach((row, index) => {
    const name = typeof (row as { name?: unknown } | null)?.name === 'string' ? (row as { name: string }).name : null;
    const rowErrors: RowError[] = [];
    const error = (path: string, message: string) => rowErrors.push({ index, name, path, message });
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      error('', 'must be an object with at least name, type and config');
      errors.push(...rowErrors);
      return;
    }
    const { secretsFromEnv, secrets, ...fields } = row as Record<string, unknown>;
    if (secrets !== undefined) error('secrets', 'secret values never belong in the file: name environment variables in secretsFromEnv');
    for (const e of schemaErrors(fields)) error(e.path, e.message);
    if (name !== null) {
      const first = firstIndexOf.get(name);
      if (first === undefined) firstIndexOf.set(name, index);
      else error('name', `"${name}" is already the name of checks[${first}]; names must be unique in the file`);
    }
    const secretValues = readSecrets(secretsFromEnv, env, error);
    if (rowErrors.length > 0 || name === null) {
      errors.push(...rowErrors);
      return;
    }
    entries.push({ index, name, request: fields as CreateCheckRequest, secrets: secretValues });
  });
  return { entries, errors };
}

function readSecrets(
  secretsFromEnv: unknown,
  env: NodeJS.ProcessEnv,
  error: (path: string, message: string) => void,
): Record<string, string> | undefined {
  if (secretsFromEnv === undefined) return undefined;
  if (typeof secretsFromEnv !== 'object' || secretsFromEnv === null || Array.isArray(secretsFromEnv)) {
    error('secretsFromEnv', 'must map secret names to environment variable names, e.g. { password: DB_PASSWORD }');
    return undefined;
  }
  const values: Record<string, string> = {};
  for (const [secret, variable] of Object.entries(secretsFromEnv)) {
    const at = `secretsFromEnv.${secret}`;
    if (!SECRET_NAME.test(secret)) error(at, 'is not a valid secret name (letters, digits and _, starting with a letter)');
    if (typeof variable !== 'string' || !ENV_NAME.test(variable)) {
      error(at, 'must name an environment variable (letters, digits and _)');
      continue;
    }
    const value = env[variable];
    if (value === undefined) error(at, `environment variable ${variable} is not set`);
    else if (value === '') error(at, `environment variable ${variable} is empty`);
    else if (value.length > SECRET_MAX_LENGTH) error(at, `environment variable ${variable} is longer than ${SECRET_MAX_LENGTH} characters`);
    else values[secret] = value;
  }
  return values;
}

/** The contract schema's complaints about a row, with paths spelled like the server's (`config.url`, `ciIds[0]`). */
function schemaErrors(fields: Record<string, unknown>): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  for (const e of Value.Errors(CreateCheckRequest, fields)) {
    if (e.keyword === 'boolean') continue; // Repeats an additionalProperties error, once per extra key.
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const key of extra) out.push({ path: key, message: 'is not a field of a check' });
      continue;
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const key of missing) out.push({ path: key, message: 'is required' });
      if (missing.length > 0) continue;
    }
    out.push({ path: pointerToPath(e.instancePath), message: e.message });
  }
  return out;
}

/** `/config/url` → `config.url`; `/ciIds/0` → `ciIds[0]`; a server path `body/config/url` likewise. */
export function pointerToPath(pointer: string): string {
  return pointer
    .replace(/^\/?body(\/|$)/, '')
    .replace(/^\//, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** One exported row: the check's stored fields, and placeholders for its secrets. */
export type ExportedCheck = Pick<Check, Exclude<(typeof CHECK_FIELDS)[number], 'agentId'>> & {
  agentId?: string | null;
} & { secretsFromEnv?: Record<string, string> };

/**
 * Renders checks as a checks file. Secrets are never exported: each check's `secretNames` become `secretsFromEnv`
 * placeholders (`CHECK_<NAME>_<SECRET>`, unique in the file), listed in a comment at the top of a YAML file.
 * Answers the text and the placeholders, so a JSON export (which cannot hold comments) can name them elsewhere.
 */
export function renderCheckFile(checks: readonly Check[], format: CheckFileFormat): { text: string; variables: string[] } {
  const taken = new Set<string>();
  const variables: string[] = [];
  const rows: ExportedCheck[] = checks.map((check) => {
    const row = Object.fromEntries(CHECK_FIELDS.map((field) => [field, check[field]])) as ExportedCheck;
    // Most checks run on the server: only a host agent's checks name one.
    if (row.agentId === null) delete (row as Partial<ExportedCheck>).agentId;
    if (check.secretNames.length > 0) {
      row.secretsFromEnv = {};
      for (const secret of check.secretNames) {
        const variable = placeholderVariable(check.name, secret, taken);
        row.secretsFromEnv[secret] = variable;
        variables.push(variable);
      }
    }
    return row;
  });
  if (format === 'json') return { text: `${JSON.stringify({ checks: rows }, null, 2)}\n`, variables };
  const doc = new YAML.Document({ checks: rows });
  const lines = [' Estate checks (estate checks export). Apply with: estate checks apply FILE [--dry-run] [--prune]'];
  if (variables.length > 0) {
    lines.push(' Secrets are never exported. Set these environment variables before applying this file:');
    for (const variable of variables) lines.push(`   ${variable}`);
  }
  doc.commentBefore = lines.join('\n');
  return { text: doc.toString({ lineWidth: 0 }), variables };
}

/** `CHECK_<NAME>_<SECRET>` in upper case with `_` for anything else, numbered when two checks would share one. */
export function placeholderVariable(checkName: string, secret: string, taken: Set<string>): string {
  const slug = (text: string) =>
    text
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const base = ['CHECK', slug(checkName), slug(secret)].filter((part) => part !== '').join('_');
  let variable = base;
  for (let n = 2; taken.has(variable); n++) variable = `${base}_${n}`;
  taken.add(variable);
  return variable;
}
