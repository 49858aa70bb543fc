import type mysql from 'mysql2/promise';
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
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY, describeConnectionError, literalRefusal } from './outbound-connection';

/** A MySQL/MariaDB check's configuration after validation. The password is never part of an outcome. */
export interface MysqlCheckConfig {
  host: string;
  port: number;
  database?: string;
  user: string;
  password?: string;
  query: string;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP', 'BODY'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];
const MAX_BODY_CHARS = 64 * 1024;

function validate(raw: unknown, secrets: Readonly<Record<string, string>> = {}): MysqlCheckConfig {
  const r = configRecord(raw);
  const host = hostField(r);
  const port = portField(r, 3306);
  const user = optionalText(r, 'user');
  if (user === undefined) throw new CheckConfigError('user', 'the user to log in as is required');
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return {
    host,
    port,
    database: optionalText(r, 'database'),
    user,
    password: passwordSecret(r, secrets),
    query: optionalText(r, 'query') ?? 'select 1',
    conditionSources: sources,
    conditions: parsed,
  };
}

/** Why a MySQL connection or query failed, in one line without the password. */
function describeFailure(err: unknown, config: MysqlCheckConfig, loggedIn: boolean): string {
  const e = err as (Error & { code?: string; errno?: number; sqlMessage?: string }) | undefined;
  const code = e?.code ?? '';
  let text: string;
  if (e?.sqlMessage !== undefined) {
    const what = `${e.sqlMessage} (${code}${e.errno === undefined ? '' : ` ${e.errno}`})`;
    text = loggedIn ? `Query failed: ${what}` : `The server refused the login: ${what}`;
  } else if (code === 'PROTOCOL_CONNECTION_LOST') {
    text = `The server at ${hostPort(config.host, config.port)} closed the connection`;
  } else {
    text = describeConnectionError(err, config.host, config.port);
  }
  return redact(text, config.password);
}

/**
 * The MySQL/MariaDB check: logs in as `user` (to `database` when set) over a connection opened through the outbound
 * policy, runs `query` in a read-only session and transaction, and closes the connection. `[CONNECTED]` says whether
 * the login succeeded, `[BODY]` is the first row's first column as text, `[RESPONSE_TIME]` the time from the start to
 * the query's result, `[IP]` the address reached.
 */
export function mysqlCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<MysqlCheckConfig> {
  return {
    type: 'mysql',
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
      const onAbort = () => guarded.socket.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      let connection: mysql.Connection | undefined;
      let loggedIn = false;
      try {
        guarded.connect();
        // The driver loads on the first MySQL check, not with every process that builds the module (CLI commands).
        const { createConnection } = (await import('mysql2/promise')).default;
        connection = await createConnection({
          host: config.host,
          port: config.port,
          user: config.user,
          password: config.password ?? '',
          database: config.database,
          stream: guarded.socket,
          // A server may ask the client for a local file (LOAD DATA LOCAL); a check never sends one.
          flags: ['-LOCAL_FILES'],
          multipleStatements: false,
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
        });
        connection.on('error', () => {});
        loggedIn = true;
        const loginAt = performance.now();
        await connection.query('SET SESSION TRANSACTION READ ONLY');
        await connection.query('START TRANSACTION READ ONLY');
        const [result] = await connection.query({ sql: config.query, rowsAsArray: true });
        const rows = Array.isArray(result) ? (result as unknown[][]) : [];
        const responseTimeMs = performance.now() - startedAt;
        details.rows = rows.length;
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), queryMs: performance.now() - loginAt, totalMs: responseTimeMs };
        const first = Array.isArray(rows[0]) ? rows[0][0] : undefined;
        const context = { connected: true, responseTimeMs, ip: guarded.address(), body: capText(valueText(first), MAX_BODY_CHARS) };
        const where = config.database ? `${config.database} on ` : '';
        return conclude(
          context,
          undefined,
          `Logged in to ${where}${hostPort(config.host, config.port)} (${guarded.address()}); the query returned ${rows.length} rows in ${Math.round(responseTimeMs)} ms`,
        );
      } catch (err) {
        details.address = guarded.address();
        details.timings = { connectMs: guarded.connectMs(), totalMs: performance.now() - startedAt };
        return conclude({ connected: loggedIn, ip: guarded.address() }, describeFailure(err, config, loggedIn));
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (connection && !signal.aborted) {
          await Promise.race([connection.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
        }
        connection?.destroy();
        guarded.socket.destroy();
      }
    },
  };
}
