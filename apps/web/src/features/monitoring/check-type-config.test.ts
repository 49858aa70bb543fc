import type { Check, CheckTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { type CheckFormValues, checkFormValues, configOf, createRequest, formErrorsOf, toggleJson, updateRequest } from './check-form';

const typeInfo = (type: string, example: Record<string, unknown>): CheckTypeInfo => ({
  type,
  placeholders: [],
  defaultConditions: [],
  secretNames: type === 'prometheus' ? ['password', 'token'] : [],
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

  it('edits an SNMP GET as fields: OIDs one per line, a saved walk or credential kept when no OID is given', () => {
    const values = checkFormValues({
      type: typeInfo('snmp', { host: 'switch1.example.org', version: 'v2c', oids: ['1.3.6.1.2.1.1.3.0'] }),
    });
    expect(values.snmp).toEqual({ host: 'switch1.example.org', port: '', version: 'v2c', oids: '1.3.6.1.2.1.1.3.0' });
    values.snmp = { host: ' 192.0.2.1 ', port: 1161, version: 'v1', oids: '1.3.6.1.2.1.1.3.0\n\n 1.3.6.1.2.1.1.5.0 ' };
    expect(configFrom(values)).toEqual({ host: '192.0.2.1', port: 1161, version: 'v1', oids: ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.5.0'] });
    values.snmp.host = '';
    expect(configOf(values)).toEqual({ errors: { 'snmp.host': 'Enter the device’s host name or address' } });
    // The server's refusal of an OID lands on the OIDs field.
    expect(formErrorsOf({ 'config.oids[1]': 'is not an OID' }, 'snmp')).toEqual({ 'snmp.oids': 'is not an OID' });

    const walk = checkFormValues({
      check: savedCheck('snmp', { host: 'sw', version: 'v2c', walk: '1.3.6.1.2.1.2.2.1.2', credentialId: 'c1' }),
    });
    expect(walk.snmp.oids).toBe('');
    expect(configFrom(walk)).toEqual({ host: 'sw', version: 'v2c', walk: '1.3.6.1.2.1.2.2.1.2', credentialId: 'c1' });
  });
});
