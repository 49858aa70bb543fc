import { CHECK_EXAMPLES } from '@estate/checks/checks/check-examples';
import type { Check, CheckTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import {
  type CheckFormValues,
  checkFormValues,
  configOf,
  createRequest,
  formErrorsOf,
  secretsInUse,
  testRequest,
  toggleJson,
  updateRequest,
} from './check-form';
import { isTypedCheckType, TYPED_CHECK_TYPES } from './check-type-config';

/** The secrets each type takes, as `GET /check-types` lists them. */
const SECRETS: Record<string, string[]> = {
  prometheus: ['password', 'token'],
  snmp: ['community', 'authKey', 'privKey'],
  'snmp-interfaces': ['community', 'authKey', 'privKey'],
  postgres: ['password'],
  mysql: ['password'],
  redis: ['password'],
};

const typeInfo = (type: string, example: Record<string, unknown>): CheckTypeInfo => ({
  type,
  placeholders: [],
  defaultConditions: [],
  secretNames: SECRETS[type] ?? [],
  example,
});

const savedCheck = (type: string, config: Record<string, unknown>): Check => ({
  id: '00000000-0000-4000-8000-000000000002',
  name: 'Saved',
  type,
  enabled: true,
  target: 'x',
  intervalSeconds: 60,
  timeoutSeconds: 10,
  retries: 0,
  config,
  conditions: [],
  warningConditions: [],
  secretNames: [],
  ciIds: [],
  pushToken: null,
  agentId: null,
  status: { state: 'up', since: 1, lastRunAt: 1, lastDurationMs: 3, lastMessage: 'ok', consecutiveFailures: 0, flapping: false },
  createdAt: 1,
  updatedAt: 1,
  version: 1,
});

const configFrom = (values: CheckFormValues) => {
  const built = configOf(values);
  if ('errors' in built) throw new Error(JSON.stringify(built.errors));
  return built.config;
};

describe('check form fields of ICMP, DNS, TLS, push and Prometheus', () => {
  it('starts a new check from the type’s example in its fields', () => {
    const values = checkFormValues({ type: typeInfo('tls', { host: 'example.org', port: 443, minDaysValid: 14 }) });
    expect(values.tls).toEqual({ host: 'example.org', port: 443, minDaysValid: 14 });
    expect(values.icmp).toEqual({ host: '', count: '' });
    expect(configFrom(values)).toEqual({ host: 'example.org', port: 443, minDaysValid: 14 });
  });

  it('builds each type’s configuration from its fields, leaving blank optional ones to the server’s defaults', () => {
    const values = checkFormValues({ type: typeInfo('icmp', {}) });
    values.icmp = { host: ' 192.0.2.10 ', count: 5 };
    expect(configFrom(values)).toEqual({ host: '192.0.2.10', count: 5 });
    values.icmp.count = '';
    expect(configFrom(values)).toEqual({ host: '192.0.2.10' });

    values.type = 'dns';
    values.dns = { name: ' example.org ', recordType: 'MX', resolver: '' };
    expect(configFrom(values)).toEqual({ name: 'example.org', recordType: 'MX' });
    values.dns.resolver = ' 192.0.2.53:5353 ';
    expect(configFrom(values)).toEqual({ name: 'example.org', recordType: 'MX', resolver: '192.0.2.53:5353' });

    values.type = 'tls';
    values.tls = { host: 'example.org', port: '', minDaysValid: 0 };
    expect(configFrom(values)).toEqual({ host: 'example.org', minDaysValid: 0 });

    values.type = 'prometheus';
    values.prometheus = { url: 'http://192.0.2.10:9100/metrics', job: ' node ', sampleLimit: 5000 };
    expect(configFrom(values)).toEqual({ url: 'http://192.0.2.10:9100/metrics', job: 'node', sampleLimit: 5000 });
    values.prometheus = { url: 'http://192.0.2.10:9100/metrics', job: '', sampleLimit: '' };
    expect(configFrom(values)).toEqual({ url: 'http://192.0.2.10:9100/metrics' });
  });

  it('sends a push check either a period or a schedule with its time zone, never both', () => {
    const values = checkFormValues({ type: typeInfo('push', { periodSeconds: 86_400, graceSeconds: 3_600 }) });
    expect(values.push).toMatchObject({ expects: 'period', periodSeconds: 86_400, graceSeconds: 3_600 });
    values.push.schedule = '0 3 * * *';
    expect(configFrom(values)).toEqual({ periodSeconds: 86_400, graceSeconds: 3_600 });
    values.push = { ...values.push, expects: 'schedule', timezone: 'Europe/Berlin', graceSeconds: '' };
    expect(configFrom(values)).toEqual({ schedule: '0 3 * * *', timezone: 'Europe/Berlin' });
    values.push.timezone = ' ';
    expect(configFrom(values)).toEqual({ schedule: '0 3 * * *' });
    values.push.schedule = '';
    expect(configOf(values)).toEqual({ errors: { 'push.schedule': 'Enter a cron expression such as 0 3 * * *' } });
    values.push.expects = 'period';
    values.push.periodSeconds = '';
    expect(configOf(values)).toEqual({ errors: { 'push.periodSeconds': 'Enter how often a ping is expected' } });
  });

  it('names the required field left blank', () => {
    const values = checkFormValues({ type: typeInfo('dns', {}) });
    expect(createRequest(values, typeInfo('dns', {}))).toEqual({ errors: { 'dns.name': 'Enter the name to query' } });
    values.type = 'icmp';
    expect(configOf(values)).toEqual({ errors: { 'icmp.host': 'Enter a host name or address' } });
    values.type = 'prometheus';
    expect(configOf(values)).toEqual({ errors: { 'prometheus.url': 'Enter the metrics URL' } });
  });

  it('reads a saved check back into the fields and saves it unchanged, settings without a field kept', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['icmp', { host: '192.0.2.10', count: 4, intervalMs: 500 }],
      ['dns', { name: 'example.org', recordType: 'TXT', resolver: '192.0.2.53' }],
      ['tls', { host: 'example.org', port: 8443, minDaysValid: 21, serverName: 'www.example.org', verify: false }],
      ['push', { schedule: '*/5 * * * *', timezone: 'Asia/Tokyo', graceSeconds: 60 }],
      ['prometheus', { url: 'https://192.0.2.10/metrics', job: 'node', sampleLimit: 100, auth: { type: 'bearer' }, honorLabels: true }],
    ];
    for (const [type, config] of cases) {
      const check = savedCheck(type, config);
      const values = checkFormValues({ check });
      const built = updateRequest(values, check, typeInfo(type, {}));
      expect('request' in built && built.request.config).toEqual(config);
    }
    const tls = checkFormValues({ check: savedCheck('tls', cases[2]?.[1] ?? {}) });
    expect(tls.tls).toEqual({ host: 'example.org', port: 8443, minDaysValid: 21 });
    expect(tls.keptConfig).toEqual({ serverName: 'www.example.org', verify: false });
    tls.tls.minDaysValid = 30;
    expect(configFrom(tls)).toEqual({ host: 'example.org', port: 8443, minDaysValid: 30, serverName: 'www.example.org', verify: false });
    expect(checkFormValues({ check: savedCheck('push', cases[3]?.[1] ?? {}) }).push).toEqual({
      expects: 'schedule',
      periodSeconds: '',
      schedule: '*/5 * * * *',
      timezone: 'Asia/Tokyo',
      graceSeconds: 60,
    });
  });

  it('switches to the JSON editor and back, carrying the configuration both ways', () => {
    const values = checkFormValues({ check: savedCheck('tls', { host: 'example.org', port: 443, verify: false }) });
    const toJson = toggleJson(values);
    expect(toJson).toMatchObject({ asJson: true });
    const asJson = { ...values, ...toJson } as CheckFormValues;
    expect(JSON.parse(asJson.configJson)).toEqual({ verify: false, host: 'example.org', port: 443 });
    asJson.configJson = '{"host": "other.example.org", "minDaysValid": 7, "caPem": "x"}';
    expect(configFrom(asJson)).toEqual({ host: 'other.example.org', minDaysValid: 7, caPem: 'x' });
    const back = { ...asJson, ...toggleJson(asJson) } as CheckFormValues;
    expect(back.asJson).toBe(false);
    expect(back.tls).toEqual({ host: 'other.example.org', port: '', minDaysValid: 7 });
    expect(back.keptConfig).toEqual({ caPem: 'x' });
    asJson.configJson = '{';
    expect(toggleJson(asJson)).toMatchObject({ errors: { configJson: expect.stringMatching(/^Not valid JSON/) } });
    values.tls.host = '';
    expect(toggleJson(values)).toEqual({ errors: { 'tls.host': 'Enter a host name or address' } });
  });

  it('puts the server’s errors on the typed fields, or on the JSON editor while it is open', () => {
    expect(formErrorsOf({ 'config.host': 'is not a host name or address', 'config.count': 'too many' }, 'icmp')).toEqual({
      'icmp.host': 'is not a host name or address',
      'icmp.count': 'too many',
    });
    expect(formErrorsOf({ 'config.resolver': 'must be "host" or "host:port"' }, 'dns')).toEqual({
      'dns.resolver': 'must be "host" or "host:port"',
    });
    expect(formErrorsOf({ 'config.caPem': 'does not parse', 'config.minDaysValid': 'too large' }, 'tls')).toEqual({
      config: 'caPem: does not parse',
      'tls.minDaysValid': 'too large',
    });
    expect(formErrorsOf({ 'config.schedule': 'never fires' }, 'push')).toEqual({ 'push.schedule': 'never fires' });
    expect(formErrorsOf({ 'config.job': 'too long' }, 'prometheus')).toEqual({ 'prometheus.job': 'too long' });
    expect(formErrorsOf({ 'config.host': 'is required' }, 'json')).toEqual({ configJson: 'host: is required' });
  });

  it('edits an SNMP GET as fields: OIDs one per line, each optionally named', () => {
    const values = checkFormValues({
      type: typeInfo('snmp', { host: 'switch1.example.org', version: 'v2c', oids: ['1.3.6.1.2.1.1.3.0'] }),
    });
    expect(values.snmp).toMatchObject({ host: 'switch1.example.org', port: '', login: 'v2c', reads: 'get', oids: '1.3.6.1.2.1.1.3.0' });
    values.snmp = { ...values.snmp, host: ' 192.0.2.1 ', port: 1161, login: 'v1', oids: '1.3.6.1.2.1.1.3.0 uptime\n\n 1.3.6.1.2.1.1.5.0 ' };
    expect(configFrom(values)).toEqual({
      host: '192.0.2.1',
      port: 1161,
      version: 'v1',
      oids: [{ oid: '1.3.6.1.2.1.1.3.0', name: 'uptime' }, '1.3.6.1.2.1.1.5.0'],
    });
    values.snmp.oids = '1.3.6.1.2.1.1.3.0 system up time';
    expect(configOf(values)).toEqual({
      errors: { 'snmp.oids': 'Write one OID per line, optionally followed by a name (1.3.6.1.2.1.1.3.0 uptime)' },
    });
    values.snmp.host = '';
    values.snmp.oids = ' ';
    expect(configOf(values)).toEqual({
      errors: { 'snmp.host': 'Enter the device’s host name or address', 'snmp.oids': 'Enter at least one OID' },
    });
    // The server's refusal of an OID lands on the OIDs field.
    expect(formErrorsOf({ 'config.oids[1]': 'is not an OID', 'config.oids[0].name': 'bad' }, 'snmp')).toEqual({
      'snmp.oids': 'is not an OID; bad',
    });
  });
});

/** The examples the server serves (check-examples.ts) for the types with fields here: all but HTTP and TCP. */
const EXAMPLES: Record<string, Readonly<Record<string, unknown>>> = Object.fromEntries(
  Object.entries(CHECK_EXAMPLES).filter(([type]) => type !== 'http' && type !== 'tcp'),
);

/** A saved check of `type` with `config` read into the form and saved again: the configuration the update sends. */
const resaved = (type: string, config: Record<string, unknown>, secretNames: string[] = []) => {
  const check = { ...savedCheck(type, config), secretNames };
  const built = updateRequest(checkFormValues({ check }), check, typeInfo(type, {}));
  if ('errors' in built) throw new Error(JSON.stringify(built.errors));
  return built.request.config;
};

describe('fields of every check type but HTTP and TCP', () => {
  it('gives each type’s example back unchanged, as a new check and as a saved one', () => {
    expect([...TYPED_CHECK_TYPES].sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const [type, example] of Object.entries(EXAMPLES)) {
      expect(isTypedCheckType(type)).toBe(true);
      expect([type, configFrom(checkFormValues({ type: typeInfo(type, example) }))]).toEqual([type, example]);
      expect([type, resaved(type, example)]).toEqual([type, example]);
    }
  });

  it('switches every type to JSON and back without losing a setting', () => {
    for (const [type, example] of Object.entries(EXAMPLES)) {
      const values = checkFormValues({ type: typeInfo(type, example) });
      const asJson = { ...values, ...toggleJson(values) } as CheckFormValues;
      expect([type, JSON.parse(asJson.configJson)]).toEqual([type, example]);
      const back = { ...asJson, ...toggleJson(asJson) } as CheckFormValues;
      expect([type, back.asJson, configFrom(back)]).toEqual([type, false, example]);
    }
  });
});

describe('SNMP fields: v3, walks and stored credentials', () => {
  const v3 = { host: 'core1', version: 'v3', user: 'monitor', securityLevel: 'authPriv', authProtocol: 'sha256', privProtocol: 'aes256b' };

  it('reads a v3 login into its fields and saves it unchanged; blank choices leave the server’s defaults', () => {
    const values = checkFormValues({ check: savedCheck('snmp', { ...v3, oids: ['1.3.6.1.2.1.1.3.0'], timeoutMs: 500 }) });
    expect(values.snmp).toMatchObject({
      login: 'v3',
      user: 'monitor',
      securityLevel: 'authPriv',
      authProtocol: 'sha256',
      privProtocol: 'aes256b',
    });
    expect(values.keptConfig).toEqual({ timeoutMs: 500 });
    expect(resaved('snmp', { ...v3, oids: ['1.3.6.1.2.1.1.3.0'], timeoutMs: 500 })).toEqual({
      ...v3,
      oids: ['1.3.6.1.2.1.1.3.0'],
      timeoutMs: 500,
    });
    // Saved without a level or protocols, a v3 login keeps leaving them to the keys given and the defaults.
    const implied = { host: 'core1', version: 'v3', user: 'monitor', oids: ['1.3.6.1.2.1.1.3.0'] };
    expect(checkFormValues({ check: savedCheck('snmp', implied) }).snmp).toMatchObject({
      securityLevel: '',
      authProtocol: '',
      privProtocol: '',
    });
    expect(resaved('snmp', implied)).toEqual(implied);
    // A protocol the level does not use is not sent (the server would refuse it).
    values.snmp.securityLevel = 'authNoPriv';
    expect(configFrom(values)).toEqual({
      host: 'core1',
      version: 'v3',
      user: 'monitor',
      securityLevel: 'authNoPriv',
      authProtocol: 'sha256',
      oids: ['1.3.6.1.2.1.1.3.0'],
      timeoutMs: 500,
    });
    values.snmp.securityLevel = 'noAuthNoPriv';
    expect(configFrom(values)).toMatchObject({ securityLevel: 'noAuthNoPriv' });
    expect(configFrom(values)).not.toHaveProperty('authProtocol');
  });

  it('switches a new check from the example’s v2c community to a v3 user at the safest level, v2c settings gone', () => {
    const values = checkFormValues({ type: typeInfo('snmp', EXAMPLES.snmp ?? {}) });
    values.snmp.login = 'v3';
    expect(configOf(values)).toEqual({ errors: { 'snmp.user': 'Enter the SNMPv3 user' } });
    values.snmp.user = ' monitor ';
    expect(configFrom(values)).toEqual({
      host: 'switch1.example.org',
      version: 'v3',
      user: 'monitor',
      securityLevel: 'authPriv',
      oids: ['1.3.6.1.2.1.1.3.0'],
    });
  });

  it('asks only for the secrets the login uses, and removes a stored one it no longer uses', () => {
    const snmp = typeInfo('snmp', {});
    const values = checkFormValues({ check: savedCheck('snmp', EXAMPLES.snmp ?? {}) });
    expect(secretsInUse(values, snmp)).toEqual(['community']);
    values.snmp = { ...values.snmp, login: 'v3', user: 'monitor', securityLevel: 'authNoPriv' };
    expect(secretsInUse(values, snmp)).toEqual(['authKey']);
    values.snmp.securityLevel = '';
    expect(secretsInUse(values, snmp)).toEqual(['authKey', 'privKey']);
    values.snmp.securityLevel = 'noAuthNoPriv';
    expect(secretsInUse(values, snmp)).toEqual([]);
    values.snmp.login = 'credential';
    expect(secretsInUse(values, snmp)).toEqual([]);
    // Edited as JSON, any of the type's secrets may be given.
    expect(secretsInUse({ ...values, asJson: true }, snmp)).toEqual(['community', 'authKey', 'privKey']);

    // v2c to v3: the keys typed are sent, the stored community is removed (v3 refuses one), on save and on test.
    const check = { ...savedCheck('snmp', EXAMPLES.snmp ?? {}), secretNames: ['community'] };
    const edited = checkFormValues({ check });
    edited.snmp = { ...edited.snmp, login: 'v3', user: 'monitor', securityLevel: 'authPriv' };
    edited.secrets = { community: 'public', authKey: 'auth-key-1', privKey: 'priv-key-1' };
    const update = updateRequest(edited, check, snmp);
    expect('request' in update && update.request.secrets).toEqual({ community: '', authKey: 'auth-key-1', privKey: 'priv-key-1' });
    const test = testRequest(edited, snmp, check.id, check.secretNames);
    expect('request' in test && test.request.secrets).toEqual({ community: '', authKey: 'auth-key-1', privKey: 'priv-key-1' });
    // A new check has nothing stored to remove.
    const fresh = testRequest(edited, snmp);
    expect('request' in fresh && fresh.request.secrets).toEqual({ authKey: 'auth-key-1', privKey: 'priv-key-1' });
  });

  it('logs in with a stored credential: only its id is sent, no version or v3 setting beside it', () => {
    const values = checkFormValues({ type: typeInfo('snmp', EXAMPLES.snmp ?? {}) });
    values.snmp.login = 'credential';
    expect(configOf(values)).toEqual({ errors: { 'snmp.credentialId': 'Choose a stored credential' } });
    values.snmp.credentialId = '0190a000-0000-7000-8000-0000000000c1';
    expect(configFrom(values)).toEqual({
      host: 'switch1.example.org',
      credentialId: '0190a000-0000-7000-8000-0000000000c1',
      oids: ['1.3.6.1.2.1.1.3.0'],
    });
    const saved = { host: 'sw', credentialId: 'c1', walk: '1.3.6.1.2.1.2.2.1.2' };
    expect(checkFormValues({ check: savedCheck('snmp', saved) }).snmp).toMatchObject({
      login: 'credential',
      credentialId: 'c1',
      reads: 'walk',
    });
    expect(resaved('snmp', saved)).toEqual(saved);
  });

  it('walks a subtree, named or not, up to a number of values', () => {
    const named = { host: 'sw', version: 'v2c', walk: { oid: '1.3.6.1.2.1.2.2.1.8', name: 'ifOperStatus' }, maxValues: 200 };
    expect(checkFormValues({ check: savedCheck('snmp', named) }).snmp).toMatchObject({
      reads: 'walk',
      walk: '1.3.6.1.2.1.2.2.1.8',
      walkName: 'ifOperStatus',
      maxValues: 200,
    });
    expect(resaved('snmp', named)).toEqual(named);
    const values = checkFormValues({ check: savedCheck('snmp', named) });
    values.snmp = { ...values.snmp, walkName: ' ', maxValues: '' };
    expect(configFrom(values)).toEqual({ host: 'sw', version: 'v2c', walk: '1.3.6.1.2.1.2.2.1.8' });
    values.snmp.walk = '';
    expect(configOf(values)).toEqual({ errors: { 'snmp.walk': 'Enter the OID of the subtree to walk' } });
    // Back to a GET: the walk is not sent beside the OIDs (the server takes one or the other).
    values.snmp = { ...values.snmp, reads: 'get', oids: '1.3.6.1.2.1.1.5.0' };
    expect(configFrom(values)).toEqual({ host: 'sw', version: 'v2c', oids: ['1.3.6.1.2.1.1.5.0'] });
  });

  it('puts the server’s errors on the login, walk and credential fields; secret errors stay on the secrets', () => {
    expect(
      formErrorsOf(
        {
          'config.version': 'must be one of v1, v2c, v3',
          'config.walk.name': 'must be a word',
          'config.walk.oid': 'must be a numeric OID',
          'config.credentialId': 'no such credential',
          'config.maxValues': 'applies to a walk only',
          'config.timeoutMs': 'too long',
          'secrets.authKey': 'is required at security level authPriv',
        },
        'snmp',
      ),
    ).toEqual({
      'snmp.login': 'must be one of v1, v2c, v3',
      'snmp.walkName': 'must be a word',
      'snmp.walk': 'must be a numeric OID',
      'snmp.credentialId': 'no such credential',
      'snmp.maxValues': 'applies to a walk only',
      config: 'timeoutMs: too long',
      'secrets.authKey': 'is required at security level authPriv',
    });
    expect(
      formErrorsOf({ 'config.user': 'the SNMP v3 user is required', 'config.interfaces': 'must be a list' }, 'snmp-interfaces'),
    ).toEqual({
      'snmp-interfaces.user': 'the SNMP v3 user is required',
      'snmp-interfaces.interfaces': 'must be a list',
    });
  });

  it('covers the interfaces named one per line (spaces kept within a name), or every interface when none is', () => {
    const saved = { host: 'sw', version: 'v3', user: 'monitor', securityLevel: 'authNoPriv', interfaces: ['Gi*', 'Port-channel 1'] };
    expect(checkFormValues({ check: savedCheck('snmp-interfaces', saved) })['snmp-interfaces'].interfaces).toBe('Gi*\nPort-channel 1');
    expect(resaved('snmp-interfaces', saved)).toEqual(saved);
    const values = checkFormValues({ check: savedCheck('snmp-interfaces', saved) });
    values['snmp-interfaces'] = { ...values['snmp-interfaces'], interfaces: ' \n', login: 'v2c' };
    expect(configFrom(values)).toEqual({ host: 'sw', version: 'v2c' });
    values['snmp-interfaces'].host = '';
    expect(configOf(values)).toEqual({ errors: { 'snmp-interfaces.host': 'Enter the device’s host name or address' } });
    expect(secretsInUse(values, typeInfo('snmp-interfaces', {}))).toEqual(['community']);
  });
});

describe('database fields', () => {
  it('reads a PostgreSQL check into its fields and saves it unchanged; blank optional fields are left out', () => {
    const saved = {
      host: 'db1',
      port: 6432,
      database: 'app',
      user: 'monitor',
      query: 'select count(*) from jobs',
      tls: 'verify',
      sslRootCert: 'x',
    };
    expect(checkFormValues({ check: savedCheck('postgres', saved) }).postgres).toEqual({
      host: 'db1',
      port: 6432,
      database: 'app',
      user: 'monitor',
      query: 'select count(*) from jobs',
      tls: 'verify',
    });
    expect(resaved('postgres', saved, ['password'])).toEqual(saved);
    const values = checkFormValues({ type: typeInfo('postgres', EXAMPLES.postgres ?? {}) });
    values.postgres = { ...values.postgres, port: '', query: ' ', tls: '' };
    expect(configFrom(values)).toEqual({ host: 'db.example.org', database: 'postgres', user: 'monitor' });
    // Every required field left blank is named at once.
    values.postgres = { ...values.postgres, host: '', database: '', user: ' ' };
    expect(configOf(values)).toEqual({
      errors: {
        'postgres.host': 'Enter the database server’s host name or address',
        'postgres.database': 'Enter the database to connect to',
        'postgres.user': 'Enter the user to log in as',
      },
    });
  });

  it('takes the password only as a secret, and puts the server’s errors on the database fields', () => {
    const values = checkFormValues({ type: typeInfo('postgres', EXAMPLES.postgres ?? {}) });
    values.name = 'Orders DB';
    values.secrets = { password: 's3cret' };
    const created = createRequest(values, typeInfo('postgres', {}));
    expect('request' in created && created.request).toMatchObject({ config: EXAMPLES.postgres, secrets: { password: 's3cret' } });
    expect('request' in created && JSON.stringify(created.request.config)).not.toContain('s3cret');
    expect(formErrorsOf({ 'config.port': 'must be a whole number from 1 to 65535', 'config.tls': 'must be one of …' }, 'postgres')).toEqual(
      {
        'postgres.port': 'must be a whole number from 1 to 65535',
        'postgres.tls': 'must be one of …',
      },
    );
    expect(formErrorsOf({ 'config.user': 'the user to log in as is required' }, 'mysql')).toEqual({
      'mysql.user': 'the user to log in as is required',
    });
    expect(
      formErrorsOf({ 'config.command': 'only read-only commands are sent', 'config.username': 'needs the secret password' }, 'redis'),
    ).toEqual({
      'redis.command': 'only read-only commands are sent',
      'redis.username': 'needs the secret password',
    });
  });

  it('connects to MySQL without a database when none is given', () => {
    const values = checkFormValues({ type: typeInfo('mysql', EXAMPLES.mysql ?? {}) });
    values.mysql = { ...values.mysql, database: '', query: '' };
    expect(configFrom(values)).toEqual({ host: 'db.example.org', port: 3306, user: 'monitor' });
    values.mysql.user = '';
    expect(configOf(values)).toEqual({ errors: { 'mysql.user': 'Enter the user to log in as' } });
  });

  it('sends a Redis command as typed, or as a list of words when it was saved so or an argument is quoted', () => {
    const asText = { host: 'cache', db: 2, username: 'probe', command: 'GET health:flag' };
    expect(checkFormValues({ check: savedCheck('redis', asText) }).redis).toMatchObject({
      command: 'GET health:flag',
      commandAsList: false,
    });
    expect(resaved('redis', asText)).toEqual(asText);
    const asList = { host: 'cache', command: ['GET', 'queue "a" b', 'x'] };
    expect(checkFormValues({ check: savedCheck('redis', asList) }).redis.command).toBe('GET "queue \\"a\\" b" x');
    expect(resaved('redis', asList)).toEqual(asList);

    const values = checkFormValues({ type: typeInfo('redis', EXAMPLES.redis ?? {}) });
    values.redis.command = 'LLEN "jobs waiting"';
    expect(configFrom(values)).toEqual({ host: 'cache.example.org', port: 6379, command: ['LLEN', 'jobs waiting'] });
    values.redis.command = 'GET "unclosed\\"';
    expect(configOf(values)).toEqual({
      errors: { 'redis.command': '"unclosed\\" is not a quoted argument: write "like this", with \\" for a quote inside' },
    });
    values.redis.command = '  ';
    values.redis.db = 0;
    expect(configFrom(values)).toEqual({ host: 'cache.example.org', port: 6379, db: 0 });
  });
});

describe('mail server fields', () => {
  it('reads how TLS is used from tls and starttls, and sends at most one of them', () => {
    expect(checkFormValues({ type: typeInfo('smtp', EXAMPLES.smtp ?? {}) }).smtp).toEqual({
      host: 'mail.example.org',
      port: 25,
      tlsMode: 'starttls',
      expect: '',
      verify: true,
    });
    expect(checkFormValues({ type: typeInfo('imap', EXAMPLES.imap ?? {}) }).imap.tlsMode).toBe('tls');
    const values = checkFormValues({ type: typeInfo('smtp', EXAMPLES.smtp ?? {}) });
    values.smtp = { ...values.smtp, tlsMode: 'tls', port: '', verify: false, expect: '220 mail' };
    expect(configFrom(values)).toEqual({ host: 'mail.example.org', tls: true, verify: false, expect: '220 mail' });
    values.smtp.tlsMode = 'none';
    expect(configFrom(values)).toEqual({ host: 'mail.example.org', verify: false, expect: '220 mail' });
    values.smtp.host = ' ';
    expect(configOf(values)).toEqual({ errors: { 'smtp.host': 'Enter the mail server’s host name or address' } });
  });

  it('keeps the settings without a field, leaves explicit defaults out, and puts TLS errors on the TLS choice', () => {
    const saved = { host: 'imap1', port: 10993, tls: true, verify: false, serverName: 'mail.example.org', caPem: 'PEM' };
    expect(resaved('imap', saved)).toEqual(saved);
    expect(checkFormValues({ check: savedCheck('imap', saved) }).keptConfig).toEqual({ serverName: 'mail.example.org', caPem: 'PEM' });
    expect(resaved('smtp', { host: 'mx', tls: false, starttls: false, verify: true })).toEqual({ host: 'mx' });
    expect(
      formErrorsOf({ 'config.starttls': 'is for a plain connection', 'config.expect': 'bad', 'config.serverName': 'no' }, 'smtp'),
    ).toEqual({
      'smtp.tlsMode': 'is for a plain connection',
      'smtp.expect': 'bad',
      config: 'serverName: no',
    });
  });
});

describe('agent-side fields', () => {
  it('reads every setting of each agent-side type into its fields and saves it unchanged', () => {
    const saved: [string, Record<string, unknown>][] = [
      ['systemd', { unit: 'postgresql@16-main.service' }],
      ['process', { commandContains: 'gunicorn app:api', minCount: 2, maxCount: 8 }],
      ['filesystem', { path: '/var', warnPercent: 70.5, critPercent: 90, inodeWarnPercent: 80, inodeCritPercent: 95 }],
      ['file', { path: '/run/maintenance.flag', mustExist: false }],
      ['file', { path: '/var/backups/db.dump', maxAgeSeconds: 3_600, minBytes: 0, maxBytes: 1e9 }],
      ['certificate-file', { path: '/etc/ssl/a.pem', warnDays: 0.5, critDays: 0 }],
      ['nagios', { plugin: 'check_disk', args: ['-w', '20%', '--exclude-type tmpfs'] }],
    ];
    for (const [type, config] of saved) expect([type, resaved(type, config)]).toEqual([type, config]);
    expect(checkFormValues({ check: savedCheck('nagios', saved[6]?.[1] ?? {}) }).nagios.args).toBe('-w\n20%\n--exclude-type tmpfs');
    expect(checkFormValues({ check: savedCheck('file', saved[3]?.[1] ?? {}) }).file.mustExist).toBe(false);
  });

  it('names the field a check cannot do without', () => {
    const cases: [string, string, string][] = [
      ['systemd', 'systemd.unit', 'Enter the unit, such as nginx.service'],
      ['process', 'process.name', 'Enter the process name, or a text its command line contains'],
      ['filesystem', 'filesystem.path', 'Enter an absolute path on the host, such as /var/log'],
      ['file', 'file.path', 'Enter an absolute path on the host, such as /var/log'],
      ['certificate-file', 'certificate-file.path', 'Enter the absolute path of the PEM file'],
      ['nagios', 'nagios.plugin', 'Enter the plugin’s name as the host’s agent configuration allows it'],
    ];
    for (const [type, field, message] of cases) {
      const values = checkFormValues({ type: typeInfo(type, {}) });
      expect(configOf(values)).toEqual({ errors: { [field]: message } });
    }
    // A process is found by its name or by its command line; either will do.
    const process = checkFormValues({ type: typeInfo('process', {}) });
    process.process.commandContains = 'java -jar app.jar';
    expect(configFrom(process)).toEqual({ commandContains: 'java -jar app.jar' });
  });

  it('puts the server’s errors on the agent-side fields', () => {
    expect(formErrorsOf({ 'config.critPercent': 'must not be below warnPercent (90)' }, 'filesystem')).toEqual({
      'filesystem.critPercent': 'must not be below warnPercent (90)',
    });
    expect(formErrorsOf({ 'config.args.1': 'Expected string length less or equal to 256' }, 'nagios')).toEqual({
      'nagios.args': 'Expected string length less or equal to 256',
    });
    expect(formErrorsOf({ 'config.warnDays': 'must not be below critDays (7)' }, 'certificate-file')).toEqual({
      'certificate-file.warnDays': 'must not be below critDays (7)',
    });
    expect(formErrorsOf({ 'config.colour': 'is not a setting of this check type' }, 'systemd')).toEqual({
      config: 'colour: is not a setting of this check type',
    });
  });
});
