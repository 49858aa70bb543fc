import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';
import { metricsBackendOf } from './metrics-backend';

/** Which parts of Estate a process runs. `all` is the embedded default; split roles need PostgreSQL. */
export type ProcessRole = 'all' | 'api' | 'worker' | 'scheduler';

/** Validated runtime configuration. Every field has a documented default; see README "Configuration". */
export interface Config {
  /** Directory for the embedded database, the secret key and backups. */
  dataDir: string;
  /** `postgres://…` switches the primary store to PostgreSQL; undefined means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  role: ProcessRole;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `auto`: human-readable lines on a terminal, JSON otherwise; `json` or `pretty` force one. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** The URL users reach Estate at; drives Secure cookies and the Origin check. */
  publicUrl: string | undefined;
  /** File holding the 32-byte key that encrypts secrets at rest; kept outside the database. */
  secretKeyFile: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Requests per minute per client IP across the API. */
  rateLimitPerMinute: number;
  trustProxy: boolean;
  /** When true, admins must enrol TOTP before they can use anything else. */
  requireAdminMfa: boolean;
  /** Directory of the built web UI; served when it exists. */
  webDir: string;
  /** The agent's single-file bundle, offered for download at `/api/v1/agent/download/estate-agent.mjs`. */
  agentBundle: string;
  /** How often agents send metrics, in seconds; an agent is offline after three intervals without a request. */
  agentMetricsSeconds: number;
  /** `estate serve` with role `all` also runs an agent for this machine, enrolled on first start (data/agent). */
  localAgent: boolean;
  /** How often agents send inventory, in seconds. */
  agentInventorySeconds: number;
  /** The raw tier's retention under its former name; read only when `metricsRawRetentionDays` is not set. */
  agentSampleRetentionDays: number | undefined;
  /** Days raw metric samples are kept (the raw tier). */
  metricsRawRetentionDays: number;
  /** Days 5-minute metric rollups are kept. */
  metrics5mRetentionDays: number;
  /** Days 1-hour metric rollups are kept. */
  metrics1hRetentionDays: number;
  /** Days finished jobs (succeeded or dead) and dispatched outbox events are kept before housekeeping deletes them. */
  jobRetentionDays: number;
  /** A Prometheus-compatible backend's base URL; metrics go there instead of the primary database (ADR 0019). */
  metricsUrl: string | undefined;
  /** Where remote_write goes when not at `<metricsUrl>/api/v1/write` (Mimir: `/api/v1/push`). */
  metricsWriteUrl: string | undefined;
  /** A bearer token for the metrics backend. A secret: never logged. */
  metricsBearerToken: string | undefined;
  /** Destinations checks may reach beyond the default (`link-local`, `cloud-metadata`), comma-separated; see checks-allow.ts. */
  checksAllow: string | undefined;
  /** Destinations notification channels may reach beyond public addresses (classes and CIDR ranges); see channels-allow.ts. */
  channelsAllow: string | undefined;
}

export { ConfigError };

interface OptionSpec {
  env: string;
  key: keyof Config;
  kind: 'string' | 'int' | 'bool' | 'enum';
  values?: readonly string[];
  min?: number;
  max?: number;
  describe: string;
  fallback: (partial: Partial<Config>) => unknown;
}

const ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/** Every option, in the order the README documents them. */
export const OPTIONS: readonly OptionSpec[] = [
  {
    env: 'ESTATE_DATA_DIR',
    key: 'dataDir',
    kind: 'string',
    describe: 'Data directory (embedded database, secret key)',
    fallback: () => './data',
  },
  {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    kind: 'string',
    describe: 'postgres://… to use PostgreSQL instead of SQLite',
    fallback: () => undefined,
  },
  { env: 'ESTATE_HOST', key: 'host', kind: 'string', describe: 'Address to listen on', fallback: () => '127.0.0.1' },
  { env: 'ESTATE_PORT', key: 'port', kind: 'int', min: 0, max: 65535, describe: 'HTTP port', fallback: () => 8420 },
  {
    env: 'ESTATE_ROLE',
    key: 'role',
    kind: 'enum',
    values: ROLES,
    describe: 'Process role: all, api, worker, scheduler',
    fallback: () => 'all',
  },
  { env: 'ESTATE_LOG_LEVEL', key: 'logLevel', kind: 'enum', values: LOG_LEVELS, describe: 'Log level', fallback: () => 'info' },
  {
    env: 'ESTATE_LOG_FORMAT',
    key: 'logFormat',
    kind: 'enum',
    values: LOG_FORMATS,
    describe: 'Log lines: auto (readable on a terminal, JSON otherwise), json, pretty',
    fallback: () => 'auto',
  },
  {
    env: 'ESTATE_PUBLIC_URL',
    key: 'publicUrl',
    kind: 'string',
    describe: 'External URL (Secure cookies, Origin check)',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_SECRET_KEY_FILE',
    key: 'secretKeyFile',
    kind: 'string',
    describe: 'Key that encrypts secrets at rest',
    fallback: (c) => path.join(c.dataDir ?? './data', 'secret.key'),
  },
  {
    env: 'ESTATE_SESSION_IDLE_MINUTES',
    key: 'sessionIdleMinutes',
    kind: 'int',
    min: 1,
    max: 10080,
    describe: 'Session idle timeout',
    fallback: () => 60,
  },
  {
    env: 'ESTATE_SESSION_ABSOLUTE_HOURS',
    key: 'sessionAbsoluteHours',
    kind: 'int',
    min: 1,
    max: 720,
    describe: 'Session absolute lifetime',
    fallback: () => 12,
  },
  {
    env: 'ESTATE_BODY_LIMIT',
    key: 'bodyLimit',
    kind: 'int',
    min: 1024,
    max: 104857600,
    describe: 'Largest request body in bytes',
    fallback: () => 1048576,
  },
  {
    env: 'ESTATE_RATE_LIMIT',
    key: 'rateLimitPerMinute',
    kind: 'int',
    min: 1,
    max: 1000000,
    describe: 'API requests per minute per IP',
    fallback: () => 1200,
  },
  {
    env: 'ESTATE_TRUST_PROXY',
    key: 'trustProxy',
    kind: 'bool',
    describe: 'Trust X-Forwarded-* from a reverse proxy',
    fallback: () => false,
  },
  { env: 'ESTATE_REQUIRE_ADMIN_MFA', key: 'requireAdminMfa', kind: 'bool', describe: 'Admins must enrol TOTP', fallback: () => false },
  {
    env: 'ESTATE_LOCAL_AGENT',
    key: 'localAgent',
    kind: 'bool',
    describe: 'Also run an agent for this machine (role all)',
    fallback: () => true,
  },
  { env: 'ESTATE_WEB_DIR', key: 'webDir', kind: 'string', describe: 'Built web UI directory', fallback: () => defaultWebDir() },
  {
    env: 'ESTATE_AGENT_BUNDLE',
    key: 'agentBundle',
    kind: 'string',
    describe: 'Agent bundle offered for download',
    fallback: () => path.join(checkoutRoot(), 'apps', 'agent', 'dist', 'estate-agent.mjs'),
  },
  {
    env: 'ESTATE_AGENT_METRICS_SECONDS',
    key: 'agentMetricsSeconds',
    kind: 'int',
    min: 5,
    max: 3600,
    describe: 'How often agents send metrics',
    fallback: () => 30,
  },
  {
    env: 'ESTATE_AGENT_INVENTORY_SECONDS',
    key: 'agentInventorySeconds',
    kind: 'int',
    min: 60,
    max: 86400,
    describe: 'How often agents send inventory',
    fallback: () => 600,
  },
  {
    env: 'ESTATE_AGENT_SAMPLE_RETENTION_DAYS',
    key: 'agentSampleRetentionDays',
    kind: 'int',
    min: 1,
    max: 3650,
    describe: 'Former name of ESTATE_METRICS_RAW_RETENTION_DAYS, read when that is unset',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_METRICS_RAW_RETENTION_DAYS',
    key: 'metricsRawRetentionDays',
    kind: 'int',
    min: 1,
    max: 3650,
    describe: 'Days raw metric samples are kept',
    fallback: (c) => c.agentSampleRetentionDays ?? 15,
  },
  {
    env: 'ESTATE_METRICS_5M_RETENTION_DAYS',
    key: 'metrics5mRetentionDays',
    kind: 'int',
    min: 1,
    max: 3650,
    describe: 'Days 5-minute metric rollups are kept',
    fallback: () => 90,
  },
  {
    env: 'ESTATE_METRICS_1H_RETENTION_DAYS',
    key: 'metrics1hRetentionDays',
    kind: 'int',
    min: 1,
    max: 36500,
    describe: 'Days 1-hour metric rollups are kept',
    fallback: () => 730,
  },
  {
    env: 'ESTATE_JOB_RETENTION_DAYS',
    key: 'jobRetentionDays',
    kind: 'int',
    min: 1,
    max: 3650,
    describe: 'Days finished jobs and dispatched events are kept',
    fallback: () => 7,
  },
  {
    env: 'ESTATE_METRICS_URL',
    key: 'metricsUrl',
    kind: 'string',
    describe: 'Prometheus-compatible metrics backend (remote_write out, PromQL in)',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_METRICS_WRITE_URL',
    key: 'metricsWriteUrl',
    kind: 'string',
    describe: 'The backend remote_write URL, when not <ESTATE_METRICS_URL>/api/v1/write',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_METRICS_BEARER_TOKEN',
    key: 'metricsBearerToken',
    kind: 'string',
    describe: 'Bearer token for the metrics backend',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_CHECKS_ALLOW',
    key: 'checksAllow',
    kind: 'string',
    describe: 'Destinations checks may reach beyond private and loopback: link-local, cloud-metadata (comma-separated)',
    fallback: () => undefined,
  },
  {
    env: 'ESTATE_CHANNELS_ALLOW',
    key: 'channelsAllow',
    kind: 'string',
    describe:
      'Destinations notification channels may reach beyond public addresses: loopback, private, link-local, cloud-metadata, CIDR ranges (comma-separated)',
    fallback: () => undefined,
  },
];

/** `apps/web/dist` of the checkout this code runs from, whether from sources or from the bundle. */
function defaultWebDir(): string {
  return path.join(checkoutRoot(), 'apps', 'web', 'dist');
}

/** The checkout this code runs from (the directory holding `apps/web`), whether from sources or from the bundle. */
function checkoutRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, 'apps', 'web'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve('.');
}

function camelToEnv(key: string): string | undefined {
  return OPTIONS.find((o) => o.key === key)?.env;
}

function parseValue(spec: OptionSpec, raw: unknown, origin: string): unknown {
  const where = `${spec.env} (${origin})`;
  switch (spec.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw.length === 0) throw new ConfigError(`${where} must be a non-empty string.`);
      return raw;
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isInteger(n) || n < (spec.min ?? -Infinity) || n > (spec.max ?? Infinity)) {
        throw new ConfigError(`${where} must be a whole number from ${spec.min} to ${spec.max}; got ${JSON.stringify(raw)}.`);
      }
      return n;
    }
    case 'bool':
      if (raw === true || raw === 'true' || raw === '1') return true;
      if (raw === false || raw === 'false' || raw === '0') return false;
      throw new ConfigError(`${where} must be true or false; got ${JSON.stringify(raw)}.`);
    case 'enum':
      if (typeof raw !== 'string' || !spec.values?.includes(raw)) {
        throw new ConfigError(`${where} must be one of ${spec.values?.join(', ')}; got ${JSON.stringify(raw)}.`);
      }
      return raw;
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(err as Error).message}. Fix ESTATE_CONFIG or create the file.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`The config file ${file} is not valid JSON: ${(err as Error).message}.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`The config file ${file} must hold a JSON object of options.`);
  }
  for (const key of Object.keys(parsed)) {
    if (!camelToEnv(key)) {
      const known = OPTIONS.map((o) => o.key).join(', ');
      throw new ConfigError(`Unknown option "${key}" in ${file}. Known options: ${known}.`);
    }
  }
  return parsed as Record<string, unknown>;
}

function validateDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL. Use postgres://user:password@host:5432/database, or unset it to use SQLite.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// (got ${parsed.protocol}//). Unset it to use the embedded SQLite store.`,
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new ConfigError('DATABASE_URL must name a host and a database, e.g. postgres://estate@127.0.0.1:5432/estate.');
  }
}

/**
 * Builds the configuration from (lowest to highest precedence) defaults, the JSON file named by `ESTATE_CONFIG`
 * (or `./estate.config.json` when present), and environment variables. Unknown `ESTATE_*` variables are rejected so a
 * typo never silently falls back to a default. Throws ConfigError with a message naming the problem and the fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const explicitFile = env.ESTATE_CONFIG;
  const file = explicitFile ?? (existsSync('estate.config.json') ? 'estate.config.json' : undefined);
  const fromFile = file ? readConfigFile(file) : {};

  const knownEnv = new Set([...OPTIONS.map((o) => o.env), 'ESTATE_CONFIG', ...EXTRA_ENV]);
  for (const name of Object.keys(env)) {
    if (name.startsWith('ESTATE_') && !knownEnv.has(name)) {
      throw new ConfigError(
        `Unknown environment variable ${name}. Known ESTATE_* variables are listed in the README under "Configuration".`,
      );
    }
  }

  const out: Partial<Config> = {};
  for (const spec of OPTIONS) {
    let value: unknown;
    if (spec.key in overrides) value = overrides[spec.key];
    else if (env[spec.env] !== undefined && env[spec.env] !== '') value = parseValue(spec, env[spec.env], 'environment');
    else if (fromFile[spec.key] !== undefined) value = parseValue(spec, fromFile[spec.key], file ?? 'config file');
    else value = spec.fallback(out);
    (out as Record<string, unknown>)[spec.key] = value;
  }
  const config = out as Config;
  if (config.databaseUrl) validateDatabaseUrl(config.databaseUrl);
  if (config.publicUrl) {
    try {
      new URL(config.publicUrl);
    } catch {
      throw new ConfigError(`ESTATE_PUBLIC_URL must be a full URL such as https://estate.example.org; got ${config.publicUrl}.`);
    }
  }
  metricsBackendOf(config);
  if (config.role !== 'all' && !config.databaseUrl) {
    throw new ConfigError(`ESTATE_ROLE=${config.role} needs DATABASE_URL: split roles share state through PostgreSQL.`);
  }
  return config;
}

/** Variables read by tests and tooling, not by the server; accepted so they never trip the unknown-variable check. */
export const EXTRA_ENV = ['ESTATE_TEST_DATABASE_URL', 'ESTATE_TEST_REQUIRE', 'ESTATE_BENCH_DATABASE_URL', 'ESTATE_CHROMIUM'] as const;
