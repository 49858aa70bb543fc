import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig, OPTIONS } from './config';

const dir = mkdtempSync(path.join(tmpdir(), 'estate-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes a config file and returns the environment that names it. */
function withFile(content: unknown, env: Record<string, string> = {}): Record<string, string> {
  const file = path.join(dir, `config-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return { ESTATE_CONFIG: file, ...env };
}

/** The ConfigError `fn` throws (failing the test when it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).name).toBe('ConfigError');
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('loadConfig', () => {
  it('has a documented default for every option', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      dataDir: './data',
      databaseUrl: undefined,
      host: '127.0.0.1',
      port: 8420,
      role: 'all',
      logLevel: 'info',
      logFormat: 'auto',
      publicUrl: undefined,
      secretKeyFile: path.join('./data', 'secret.key'),
      sessionIdleMinutes: 60,
      sessionAbsoluteHours: 12,
      bodyLimit: 1_048_576,
      rateLimitPerMinute: 1200,
      trustProxy: false,
      requireAdminMfa: false,
      jobRetentionDays: 7,
      agentSampleRetentionDays: undefined,
      metricsRawRetentionDays: 15,
      metrics5mRetentionDays: 90,
      metrics1hRetentionDays: 730,
    } satisfies Partial<Config>);
    expect(config.webDir.endsWith(path.join('apps', 'web', 'dist'))).toBe(true);
    // Every option is covered by the table the README is generated from.
    expect(Object.keys(config).sort()).toEqual(OPTIONS.map((o) => o.key).sort());
  });

  it('reads every option from its environment variable', () => {
    const config = loadConfig({
      ESTATE_DATA_DIR: '/srv/estate',
      DATABASE_URL: 'postgres://estate@db.internal:5432/estate',
      ESTATE_HOST: '0.0.0.0',
      ESTATE_PORT: '9000',
      ESTATE_ROLE: 'api',
      ESTATE_LOG_LEVEL: 'debug',
      ESTATE_PUBLIC_URL: 'https://estate.example.org',
      ESTATE_SESSION_IDLE_MINUTES: '15',
      ESTATE_SESSION_ABSOLUTE_HOURS: '8',
      ESTATE_BODY_LIMIT: '2048',
      ESTATE_RATE_LIMIT: '60',
      ESTATE_TRUST_PROXY: 'true',
      ESTATE_REQUIRE_ADMIN_MFA: '1',
      ESTATE_WEB_DIR: '/srv/web',
      ESTATE_JOB_RETENTION_DAYS: '30',
      ESTATE_METRICS_RAW_RETENTION_DAYS: '20',
      ESTATE_METRICS_5M_RETENTION_DAYS: '60',
      ESTATE_METRICS_1H_RETENTION_DAYS: '365',
    });
    expect(config).toMatchObject({
      dataDir: '/srv/estate',
      databaseUrl: 'postgres://estate@db.internal:5432/estate',
      host: '0.0.0.0',
      port: 9000,
      role: 'api',
      logLevel: 'debug',
      publicUrl: 'https://estate.example.org',
      // The key follows the data directory unless set on its own.
      secretKeyFile: path.join('/srv/estate', 'secret.key'),
      sessionIdleMinutes: 15,
      sessionAbsoluteHours: 8,
      bodyLimit: 2048,
      rateLimitPerMinute: 60,
      trustProxy: true,
      requireAdminMfa: true,
      webDir: '/srv/web',
      jobRetentionDays: 30,
      metricsRawRetentionDays: 20,
      metrics5mRetentionDays: 60,
      metrics1hRetentionDays: 365,
    });
    // The raw tier's former name still sets it, unless the new one is set too.
    expect(loadConfig({ ESTATE_AGENT_SAMPLE_RETENTION_DAYS: '9' }).metricsRawRetentionDays).toBe(9);
    expect(loadConfig({ ESTATE_AGENT_SAMPLE_RETENTION_DAYS: '9', ESTATE_METRICS_RAW_RETENTION_DAYS: '11' }).metricsRawRetentionDays).toBe(
      11,
    );
    expect(loadConfig({ ESTATE_SECRET_KEY_FILE: '/etc/estate/key', ESTATE_DATA_DIR: '/srv/estate' }).secretKeyFile).toBe('/etc/estate/key');
  });

  it('layers defaults < config file < environment < explicit overrides', () => {
    const env = withFile({ port: 9001, logLevel: 'debug', dataDir: '/from/file', trustProxy: true }, { ESTATE_PORT: '9100' });
    const config = loadConfig(env);
    expect(config.port).toBe(9100);
    expect(config.logLevel).toBe('debug');
    expect(config.dataDir).toBe('/from/file');
    expect(config.trustProxy).toBe(true);
    expect(config.host).toBe('127.0.0.1');
    expect(loadConfig(env, { port: 1234 }).port).toBe(1234);
    // An empty variable counts as unset, so the file's value stands.
    expect(loadConfig({ ...env, ESTATE_PORT: '' }).port).toBe(9001);
  });

  it('reads ./estate.config.json from the working directory when ESTATE_CONFIG is not set', () => {
    const cwd = mkdtempSync(path.join(dir, 'cwd-'));
    writeFileSync(path.join(cwd, 'estate.config.json'), JSON.stringify({ port: 9555 }));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      expect(loadConfig({}).port).toBe(9555);
    } finally {
      process.chdir(previous);
    }
  });

  it('rejects an unknown ESTATE_ variable by name, so a typo never falls back to a default', () => {
    const err = configError(() => loadConfig({ ESTATE_PROT: '9000' }));
    expect(err.message).toContain('ESTATE_PROT');
    expect(configError(() => loadConfig({ ESTATE_DATA_DIRECTORY: '/x' })).message).toContain('ESTATE_DATA_DIRECTORY');
    // Other variables, and the ones tests and tooling read, are left alone.
    expect(() =>
      loadConfig({ PATH: '/usr/bin', PORT: 'abc', ESTATE_TEST_DATABASE_URL: 'postgres://x@y/z', ESTATE_TEST_REQUIRE: 'postgres' }),
    ).not.toThrow();
  });

  it('rejects a config file with an unknown key, naming the key and the file', () => {
    const env = withFile({ port: 9000, prot: 9001 });
    const err = configError(() => loadConfig(env));
    expect(err.message).toContain('"prot"');
    expect(err.message).toContain(env.ESTATE_CONFIG);
    // Environment-style names are not keys of the file either.
    expect(configError(() => loadConfig(withFile({ ESTATE_PORT: 9000 }))).message).toContain('ESTATE_PORT');
  });

  it('rejects a config file that is missing, not JSON, or not an object', () => {
    const missing = path.join(dir, 'nope.json');
    const err = configError(() => loadConfig({ ESTATE_CONFIG: missing }));
    expect(err.message).toContain(missing);
    expect(err.message).toContain('ESTATE_CONFIG');
    expect(configError(() => loadConfig(withFile('{"port": 9000,}'))).message).toMatch(/not valid JSON/);
    expect(configError(() => loadConfig(withFile('[1, 2]'))).message).toMatch(/JSON object/);
    expect(configError(() => loadConfig(withFile('null'))).message).toMatch(/JSON object/);
    // A value of the wrong kind in the file names the option and where it came from.
    const typed = withFile({ port: 'eighty' });
    const wrong = configError(() => loadConfig(typed));
    expect(wrong.message).toContain('ESTATE_PORT');
    expect(wrong.message).toContain(typed.ESTATE_CONFIG);
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['mysql://estate:s3cret-pw@db/estate', /must start with postgres:\/\/ \(got mysql:\/\/\)/],
    ['sqlite:///var/estate.db', /must start with postgres:\/\//],
    ['postgres://estate:s3cret-pw@db.internal:5432', /must name a host and a database/],
    ['postgres://estate:s3cret-pw@db.internal:5432/', /must name a host and a database/],
  ])('rejects DATABASE_URL=%s with a clear message that never echoes the password', (url, message) => {
    const err = configError(() => loadConfig({ DATABASE_URL: url }));
    expect(err.message).toMatch(message);
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).not.toContain('s3cret-pw');
  });

  it('accepts postgres:// and postgresql:// URLs that name a host and a database', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/estate' }).databaseUrl).toBe(
      'postgresql://u:p@127.0.0.1:5432/estate',
    );
    expect(loadConfig({ DATABASE_URL: 'postgres://db/estate?sslmode=require' }).databaseUrl).toBe('postgres://db/estate?sslmode=require');
  });

  it.each(['abc', '-1', '65536', '80.5', '0x50', '1e3', '8080abc'])('rejects ESTATE_PORT=%s', (port) => {
    const err = configError(() => loadConfig({ ESTATE_PORT: port }));
    expect(err.message).toContain('ESTATE_PORT');
    expect(err.message).toContain('0 to 65535');
    expect(err.message).toContain(JSON.stringify(port));
  });

  it('accepts the edges of the port range', () => {
    expect(loadConfig({ ESTATE_PORT: '0' }).port).toBe(0);
    expect(loadConfig({ ESTATE_PORT: '65535' }).port).toBe(65535);
  });

  it.each(['yes', 'on', 'TRUE ', '2', 'enabled'])('rejects the boolean ESTATE_TRUST_PROXY=%s', (value) => {
    const err = configError(() => loadConfig({ ESTATE_TRUST_PROXY: value }));
    expect(err.message).toContain('ESTATE_TRUST_PROXY');
    expect(err.message).toContain('true or false');
  });

  it('accepts true/false/1/0 for booleans, from the environment or the file', () => {
    expect(loadConfig({ ESTATE_REQUIRE_ADMIN_MFA: 'false' }).requireAdminMfa).toBe(false);
    expect(loadConfig({ ESTATE_REQUIRE_ADMIN_MFA: '0' }).requireAdminMfa).toBe(false);
    expect(loadConfig({ ESTATE_REQUIRE_ADMIN_MFA: 'true' }).requireAdminMfa).toBe(true);
    expect(loadConfig(withFile({ requireAdminMfa: true })).requireAdminMfa).toBe(true);
    expect(configError(() => loadConfig(withFile({ requireAdminMfa: 'yes' }))).message).toContain('ESTATE_REQUIRE_ADMIN_MFA');
  });

  it('rejects values outside an enum or a numeric range', () => {
    expect(configError(() => loadConfig({ ESTATE_LOG_LEVEL: 'verbose' })).message).toMatch(/ESTATE_LOG_LEVEL.*one of fatal, error/);
    expect(configError(() => loadConfig({ ESTATE_ROLE: 'everything' })).message).toContain('ESTATE_ROLE');
    expect(configError(() => loadConfig({ ESTATE_BODY_LIMIT: '100' })).message).toContain('ESTATE_BODY_LIMIT');
    expect(configError(() => loadConfig({ ESTATE_SESSION_IDLE_MINUTES: '0' })).message).toContain('ESTATE_SESSION_IDLE_MINUTES');
    expect(configError(() => loadConfig({ ESTATE_JOB_RETENTION_DAYS: '0' })).message).toContain('ESTATE_JOB_RETENTION_DAYS');
    expect(configError(() => loadConfig({ ESTATE_JOB_RETENTION_DAYS: '1.5' })).message).toContain('ESTATE_JOB_RETENTION_DAYS');
    expect(configError(() => loadConfig({ ESTATE_PUBLIC_URL: 'estate.example.org' })).message).toContain('ESTATE_PUBLIC_URL');
  });

  it.each(['api', 'worker', 'scheduler'] as const)('refuses ESTATE_ROLE=%s without DATABASE_URL, and accepts it with one', (role) => {
    const err = configError(() => loadConfig({ ESTATE_ROLE: role }));
    expect(err.message).toContain(`ESTATE_ROLE=${role}`);
    expect(err.message).toContain('DATABASE_URL');
    expect(loadConfig({ ESTATE_ROLE: role, DATABASE_URL: 'postgres://db/estate' }).role).toBe(role);
  });
});
