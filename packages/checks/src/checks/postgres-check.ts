import pg from 'pg';
import type { Condition } from '../conditions/condition-parser';
import type { PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckType, concluder, parseCheckConditions } from './check-executor';
import {
  capText,
  configRecord,
  guardedSocket,
  hostField,
  hostPort,
  optionalText,
  passwordSecret,
  portField,
  redact,
  valueText,
} from './database-connection';
import {
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  literalRefusal,
} from './outbound-connection';

/** How a PostgreSQL check uses TLS: not at all, encrypted without checking the certificate, or fully verified. */
export type PostgresTls = 'disable' | 'require' | 'verify';

/** A PostgreSQL check's configuration after validation. The password is never part of an outcome. */
export interface PostgresCheckConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  query: string;
  tls: PostgresTls;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP', 'BODY'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];
const TLS_MODES: readonly PostgresTls[] = ['disable', 'require', 'verify'];
/** The most characters of the first value `[BODY]` sees. */
const MAX_BODY_CHARS = 64 * 1024;

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): PostgresCheckConfig {
  const r = configRecord(raw);
  const host = hostField(r);
  const port = portField(r, 5432);
  const database = optionalText(r, 'database');
  if (database === undefined) throw new CheckConfigError('database', 'the database to connect to is required');
  const user = optionalText(r, 'user');
  if (user === undefined) throw new CheckConfigError('user', 'the user to log in as is required');
  const query = optionalText(r, 'query') ?? 'select 1';
  const tls = (r.tls ?? 'disable') as PostgresTls;
  if (!TLS_MODES.includes(tls)) throw new CheckConfigError('tls', `must be one of ${TLS_MODES.join(', ')}`);
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return { host, port, database, user, password: passwordSecret(r, secrets), query, tls, conditionSources: sources, conditions: parsed };
}

/** Why a PostgreSQL connection or query failed, in one line without the password. */
function describeFailure(err: unknown, config: PostgresCheckConfig, loggedIn: boolean): string {
  const e = err as (Error & { code?: string; severity?: string }) | undefined;
  const code = e?.code ?? '';
  let text: string;
  if (e?.severity !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    text = loggedIn ? `Query failed: ${e.message} (SQLSTATE ${code})` : `PostgreSQL refused the login: ${e.message} (SQLSTATE ${code})`;
  } else if (err instanceof DestinationRefusedError || /^E[A-Z]+$/.test(code) || /^ERR_TLS_|CERT|SELF_SIGNED/.test(code)) {
    text = describeConnectionError(err, config.host, config.port);
  } else {
    text = `PostgreSQL at ${hostPort(config.host, config.port)}: ${e?.message ?? String(err)}`;
  }
  return redact(text, config.password);
}

/**
 * The PostgreSQL check: logs in to `database` as `user` over a connection opened through the outbound policy (TLS as
 * configured, the certificate checked against the configured name), runs `query` in a read-only transaction and
 * closes the connection. `[CONNECTED]` says whether the login succeeded, `[BODY]` is the first row's first column as
 * text, `[RESPONSE_TIME]` the time from the start to the query's result, `[IP]` the address reached.
 */
export function postgresCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<PostgresCheckConfig> {
  return {
    type: 'postgres',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: ['password'],
    validate,
    target: (config) => hostPort(config.host, config.port),
    async run(config, signal) {
      const startedAt = performance.now();
      const details: Record<string, unknown> = {};
      const conclude = concluder(config.conditions, startedAt, signal, details);
      if (signal.aborted) return conclude({}, undefined);
      const refused = literalRefusal(config.host, policy);
      if (refused) return conclude({}, refused.message);

      const guarded = guardedSocket(config.host, config.port, policy);
      const client = new pg.Client({
        host: config.host,
        port: config.port,
        database: config.database,
        user: config.user,
        // Never the server's own PGPASSWORD or ~/.pgpass: a check sends only what it was configured with.
        password: () => config.password ?? '',
        stream: () => guarded.socket,
        ssl: config.tls === 'disable' ? false : { rejectUnauthorized: config.tls === 'verify' },
        // Every transaction of this session is read-only, not only the one the query runs in.
        options: '-c default_transaction_read_only=on',
        application_name: 'estate-check',
      });
      // Errors after the connection failed or was closed are the run's own, already handled below.
      client.on('error', () => {});
      const onAbort = () => guarded.socket.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      let loggedIn = false;
      let loginAt: number | undefined;
      try {
        await client.connect();
        loggedIn = true;
        loginAt = performance.now();
        await client.query('BEGIN TRANSACTION READ ONLY');
        const result = await client.query({ text: config.query, rowMode: 'array' });
        const last = (Array.isArray(result) ? result[result.length - 1] : result) as pg.QueryArrayResult | undefined;
        const rows = last?.rows ?? [];
        const responseTimeMs = performance.now() - startedAt;
        details.rows = last?.rowCount ?? rows.length;
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), queryMs: performance.now() - loginAt, totalMs: responseTimeMs };
        const body = capText(valueText(rows[0]?.[0]), MAX_BODY_CHARS);
        const context = { connected: true, responseTimeMs, ip: guarded.address(), body };
        return conclude(
          context,
          undefined,
          `Logged in to ${config.database} on ${hostPort(config.host, config.port)} (${guarded.address()}); the query returned ${rows.length} rows in ${Math.round(responseTimeMs)} ms`,
        );
      } catch (err) {
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), totalMs: performance.now() - startedAt };
        return conclude({ connected: loggedIn, ip: guarded.address() }, describeFailure(err, config, loggedIn));
      } finally {
        signal.removeEventListener('abort', onAbort);
        await Promise.race([client.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
        guarded.socket.destroy();
      }
    },
  };
}
