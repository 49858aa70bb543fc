import {
  type Check,
  type CheckTypeInfo,
  type CreateCheckRequest,
  isAgentCheckType,
  type TestCheckRequest,
  type UpdateCheckRequest,
} from '@estate/contract';
import {
  blankTypedFields,
  isTypedCheckType,
  TYPED_CHECK_TYPES,
  type TypedFieldValues,
  typedConfigOf,
  typedFieldOf,
  typedFieldsOf,
  typedSecretsOf,
  uncoveredConfig,
} from './check-type-config';

/** How an HTTP check authenticates, as the form offers it. */
export type HttpAuthChoice = 'none' | 'basic' | 'bearer';

/**
 * What the check form edits, as text and plain values: `http`, `tcp` and the types of `TypedFieldValues` have
 * fields, any other type a JSON text.
 */
export interface CheckFormValues extends TypedFieldValues {
  name: string;
  type: string;
  enabled: boolean;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  http: {
    url: string;
    method: string;
    /** One `Name: value` per line. */
    headers: string;
    body: string;
    auth: HttpAuthChoice;
    username: string;
    followRedirects: boolean;
    maxRedirects: number;
    verifyTls: boolean;
  };
  tcp: { host: string; port: number | '' };
  /** The configuration of a type without dedicated fields, or of a typed one edited as JSON, as JSON text of an object. */
  configJson: string;
  /** Whether a type with dedicated fields is edited as JSON instead (`configJson`). */
  asJson: boolean;
  /** A saved check's settings its type's fields do not cover (a TLS check's `caPem`), sent back as they were. */
  keptConfig: Record<string, unknown>;
  conditions: string[];
  warningConditions: string[];
  /** Secrets typed in the form; blank ones are not sent (on edit: the stored value is kept). */
  secrets: Record<string, string>;
  ciIds: string[];
  /** The host agent that runs an agent-side check (systemd, process, filesystem, file, certificate-file, nagios). */
  agentId: string | null;
}

/** The types the form has dedicated fields for; others (a type newer than this UI) get the JSON editor. */
export const TYPES_WITH_FIELDS: ReadonlySet<string> = new Set(['http', 'tcp', ...TYPED_CHECK_TYPES]);

const DEFAULT_HTTP: CheckFormValues['http'] = {
  url: '',
  method: 'GET',
  headers: '',
  body: '',
  auth: 'none',
  username: '',
  followRedirects: true,
  maxRedirects: 10,
  verifyTls: true,
};

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** The form's HTTP fields from a saved configuration. */
function httpValues(config: Record<string, unknown>): CheckFormValues['http'] {
  const auth = (typeof config.auth === 'object' && config.auth !== null ? config.auth : {}) as Record<string, unknown>;
  const headers = typeof config.headers === 'object' && config.headers !== null ? (config.headers as Record<string, unknown>) : {};
  return {
    url: text(config.url),
    method: text(config.method, 'GET').toUpperCase(),
    headers: Object.entries(headers)
      .map(([name, value]) => `${name}: ${text(value)}`)
      .join('\n'),
    body: text(config.body),
    auth: auth.type === 'basic' || auth.type === 'bearer' ? auth.type : 'none',
    username: text(auth.username),
    followRedirects: typeof config.followRedirects === 'boolean' ? config.followRedirects : true,
    maxRedirects: typeof config.maxRedirects === 'number' ? config.maxRedirects : 10,
    verifyTls: typeof config.verifyTls === 'boolean' ? config.verifyTls : true,
  };
}

/**
 * The form's values for a new check (of `type`, with its default conditions, bound to `ciIds`) or for editing
 * `check`. Secrets always start blank: they are write-only.
 */
export function checkFormValues(options: { check?: Check; type?: CheckTypeInfo; ciIds?: string[] } = {}): CheckFormValues {
  const { check, type } = options;
  const config = check?.config ?? {};
  const typeName = check?.type ?? type?.type ?? '';
  return {
    name: check?.name ?? '',
    type: check?.type ?? type?.type ?? '',
    enabled: check?.enabled ?? true,
    intervalSeconds: check?.intervalSeconds ?? 60,
    timeoutSeconds: check?.timeoutSeconds ?? 10,
    retries: check?.retries ?? 0,
    http: check?.type === 'http' ? httpValues(config) : { ...DEFAULT_HTTP },
    tcp:
      check?.type === 'tcp'
        ? { host: text(config.host), port: typeof config.port === 'number' ? config.port : '' }
        : { host: '', port: '' },
    ...typedFieldValues(typeName, check ? config : (type?.example ?? {})),
    configJson: check && !TYPES_WITH_FIELDS.has(check.type) ? JSON.stringify(config, null, 2) : exampleJson(type),
    asJson: false,
    keptConfig: check ? uncoveredConfig(check.type, config) : {},
    conditions: check ? [...check.conditions] : [...(type?.defaultConditions ?? [])],
    warningConditions: check ? [...check.warningConditions] : [],
    secrets: {},
    ciIds: check ? [...check.ciIds] : [...(options.ciIds ?? [])],
    agentId: check?.agentId ?? null,
  };
}

/** Every typed type's fields, those of `type` (when it has them) read from `config`. */
export function typedFieldValues(type: string, config: Record<string, unknown>): TypedFieldValues {
  const blank = blankTypedFields();
  return isTypedCheckType(type) ? { ...blank, [type]: typedFieldsOf(type, config) } : blank;
}

/** The fields that edit the form's configuration: its type's own, or `json` (the JSON editor). */
export function editorOf(values: Pick<CheckFormValues, 'type' | 'asJson'>): string {
  return TYPES_WITH_FIELDS.has(values.type) && !values.asJson ? values.type : 'json';
}

/** The headers typed one `Name: value` a line; `{ error }` naming the first line without a colon. */
export function parseHeaders(textValue: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  for (const line of textValue.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: `"${line.trim()}" is not a header: write Name: value` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/** The form's complaints before anything is sent, keyed by form field (`http.url`, `configJson`). */
export type FormErrors = Record<string, string>;

/** The check type's configuration the form's values make, or the form fields it cannot read. */
export function configOf(values: CheckFormValues): { config: Record<string, unknown> } | { errors: FormErrors } {
  if (values.type === 'http') {
    const h = values.http;
    const headers = parseHeaders(h.headers);
    if ('error' in headers) return { errors: { 'http.headers': headers.error } };
    const config: Record<string, unknown> = { url: h.url.trim(), method: h.method };
    if (Object.keys(headers.headers).length > 0) config.headers = headers.headers;
    if (h.body !== '') config.body = h.body;
    if (h.auth === 'basic') config.auth = { type: 'basic', username: h.username.trim() };
    if (h.auth === 'bearer') config.auth = { type: 'bearer' };
    config.followRedirects = h.followRedirects;
    if (h.followRedirects) config.maxRedirects = h.maxRedirects;
    config.verifyTls = h.verifyTls;
    return { config };
  }
  if (values.type === 'tcp')
    return { config: { host: values.tcp.host.trim(), port: values.tcp.port === '' ? undefined : values.tcp.port } };
  if (isTypedCheckType(values.type) && !values.asJson) return typedConfigOf(values.type, values, values.keptConfig);
  return parseConfigJson(values.configJson);
}

/** The JSON editor's text as a configuration object, or why it is not one. */
export function parseConfigJson(json: string): { config: Record<string, unknown> } | { errors: FormErrors } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { errors: { configJson: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { errors: { configJson: 'The configuration must be a JSON object: { "name": value, … }' } };
  }
  return { config: parsed as Record<string, unknown> };
}

/**
 * The secrets the chosen settings use: for HTTP the one its authentication needs (`password` for basic, `token` for
 * bearer, none without); for SNMP those of its login (the community, or the keys of a v3 level); for other types,
 * and for any type edited as JSON, every secret the type accepts.
 */
export function secretsInUse(values: Omit<CheckFormValues, 'secrets' | 'ciIds'>, type: CheckTypeInfo | undefined): string[] {
  if (values.type === 'http') return values.http.auth === 'basic' ? ['password'] : values.http.auth === 'bearer' ? ['token'] : [];
  const accepted = type?.secretNames ?? [];
  const used = isTypedCheckType(values.type) && !values.asJson ? typedSecretsOf(values.type, values) : undefined;
  return used ? accepted.filter((name) => used.includes(name)) : [...accepted];
}

/** The secrets typed in the fields in use; blank ones are left out (on edit they keep their stored value). */
function typedSecrets(values: CheckFormValues, type: CheckTypeInfo | undefined): Record<string, string> | undefined {
  const typed = Object.fromEntries(
    secretsInUse(values, type).flatMap((name) => (values.secrets[name] ? [[name, values.secrets[name]]] : [])),
  );
  return Object.keys(typed).length > 0 ? typed : undefined;
}

const conditionsOf = (list: readonly string[]) => list.map((c) => c.trim()).filter((c) => c !== '');

/** The request that creates the check the form describes, or the form fields it cannot read. */
export function createRequest(
  values: CheckFormValues,
  type: CheckTypeInfo | undefined,
): { request: CreateCheckRequest } | { errors: FormErrors } {
  const built = configOf(values);
  if ('errors' in built) return built;
  const secrets = typedSecrets(values, type);
  return {
    request: {
      name: values.name.trim(),
      type: values.type,
      enabled: values.enabled,
      intervalSeconds: values.intervalSeconds,
      timeoutSeconds: values.timeoutSeconds,
      retries: values.retries,
      config: built.config,
      conditions: conditionsOf(values.conditions),
      warningConditions: conditionsOf(values.warningConditions),
      ...(secrets ? { secrets } : {}),
      ciIds: values.ciIds,
      // Agent-side types need their agent; a network type names one only when a remote collector runs it.
      ...(values.agentId !== null || isAgentCheckType(values.type) ? { agentId: values.agentId } : {}),
    },
  };
}

/**
 * The change that makes `check` what the form describes: every editable field (the configuration is replaced as a
 * whole), the secrets typed, and an empty string for each stored secret the settings no longer use (switching an
 * HTTP check from basic to no authentication removes its password).
 */
export function updateRequest(
  values: CheckFormValues,
  check: Check,
  type: CheckTypeInfo | undefined,
): { request: UpdateCheckRequest } | { errors: FormErrors } {
  const built = createRequest(values, type);
  if ('errors' in built) return built;
  const { type: _type, secrets = {}, ...rest } = built.request;
  const inUse = new Set(secretsInUse(values, type));
  const removed = Object.fromEntries(check.secretNames.filter((name) => !inUse.has(name)).map((name) => [name, '']));
  const all = { ...removed, ...secrets };
  // A check a collector ran goes back to the server when the form names no agent.
  const agent = check.agentId !== null && values.agentId === null ? { agentId: null } : {};
  return { request: { ...rest, ...agent, ...(Object.keys(all).length > 0 ? { secrets: all } : {}) } };
}

/**
 * The request that tests the form's check once without saving it; `checkId` lets a saved check's stored secrets
 * stand in, except those of `storedSecrets` the settings no longer use (an SNMP check switched from v2c to v3 is
 * tested without its stored community), which are sent blank.
 */
export function testRequest(
  values: CheckFormValues,
  type: CheckTypeInfo | undefined,
  checkId?: string,
  storedSecrets: readonly string[] = [],
): { request: TestCheckRequest } | { errors: FormErrors } {
  const built = createRequest(values, type);
  if ('errors' in built) return built;
  const { type: checkType, timeoutSeconds, config, conditions, warningConditions, secrets = {} } = built.request;
  if (isAgentCheckType(checkType))
    return { errors: { agentId: 'An agent-side check runs only on its agent: save it and watch its first result.' } };
  const inUse = new Set(secretsInUse(values, type));
  const unused = checkId ? storedSecrets.filter((name) => !inUse.has(name)) : [];
  const sent = { ...Object.fromEntries(unused.map((name) => [name, ''])), ...secrets };
  return {
    request: {
      type: checkType,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      config,
      ...(conditions ? { conditions } : {}),
      ...(warningConditions ? { warningConditions } : {}),
      ...(Object.keys(sent).length > 0 ? { secrets: sent } : {}),
      ...(checkId ? { checkId } : {}),
    },
  };
}

const HTTP_FIELDS: Record<string, string> = {
  url: 'http.url',
  method: 'http.method',
  headers: 'http.headers',
  body: 'http.body',
  auth: 'http.auth',
  'auth.username': 'http.username',
  followRedirects: 'http.followRedirects',
  maxRedirects: 'http.maxRedirects',
  verifyTls: 'http.verifyTls',
};

/**
 * The form field a server error's path lands on, for the form's `editor` (see `editorOf`): a setting of a type with
 * fields on its input (`config.url` → `http.url`), any setting on the JSON editor when `editor` is `json`,
 * `conditions[1]` or `conditions.1` on that condition, a bound CI on the CI list; `config` for a setting of a type
 * with fields that the form has no input for.
 */
export function formFieldOf(path: string, editor: string): string {
  const normalized = path.replace(/\[(\d+)\]/g, '.$1');
  if (normalized.startsWith('ciIds')) return 'ciIds';
  if (normalized !== 'config' && !normalized.startsWith('config.')) return normalized;
  const setting = normalized.slice('config.'.length);
  if (editor === 'http') return HTTP_FIELDS[setting] ?? (setting.startsWith('headers') ? 'http.headers' : 'config');
  if (editor === 'tcp') return setting === 'host' || setting === 'port' ? `tcp.${setting}` : 'config';
  if (isTypedCheckType(editor)) return typedFieldOf(editor, setting) ?? 'config';
  return 'configJson';
}

/**
 * The server's field errors on the form's fields (see `formFieldOf`). A message that lands away from its own setting
 * (on the JSON editor, or the general `config` line) is prefixed with the setting it names; two on one field join.
 */
export function formErrorsOf(serverErrors: Record<string, string>, editor: string): FormErrors {
  const errors: FormErrors = {};
  for (const [path, message] of Object.entries(serverErrors)) {
    const field = formFieldOf(path, editor);
    const setting = path.startsWith('config.') ? path.slice('config.'.length) : '';
    const text = (field === 'configJson' || field === 'config') && setting ? `${setting}: ${message}` : message;
    errors[field] = errors[field] ? `${errors[field]}; ${text}` : text;
  }
  return errors;
}

/**
 * The form switched between its type's fields and the JSON editor, carrying the configuration across: to JSON, the
 * configuration the fields make (`{ errors }` when they cannot make one); back, the fields read from the JSON, the
 * settings they do not cover kept.
 */
export function toggleJson(values: CheckFormValues): Partial<CheckFormValues> | { errors: FormErrors } {
  const built = configOf(values);
  if ('errors' in built) return built;
  if (!values.asJson) return { asJson: true, configJson: JSON.stringify(built.config, null, 2) };
  return { asJson: false, ...typedFieldValues(values.type, built.config), keptConfig: uncoveredConfig(values.type, built.config) };
}

/** A type's example configuration as the JSON editor shows it (`{}` when there is none). */
export function exampleJson(type: Pick<CheckTypeInfo, 'example'> | undefined): string {
  return type && Object.keys(type.example).length > 0 ? JSON.stringify(type.example, null, 2) : '{}';
}
